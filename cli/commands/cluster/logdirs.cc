// kpk cluster logdirs describe: the size of every partition replica in each broker's log
// directories (DescribeLogDirs), as `rpk cluster logdirs describe` prints it.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include <fmt/core.h>

#include "broker/protocol/generated/describe_log_dirs_request.h"
#include "broker/protocol/generated/describe_log_dirs_response.h"
#include "broker/protocol/generated/error_code.h"
#include "cli/client/wire_request.h"
#include "cli/commands/cluster/cluster.h"
#include "cli/format/output.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

using protocol::DescribeLogDirsRequest;
using protocol::DescribeLogDirsResponse;

// v1: every Kafka since 1.1 and Redpanda answer it, and it carries all the columns printed.
constexpr int16_t kDescribeLogDirsVersion = 1;

struct LogdirsOptions {
  std::vector<std::string> topics;
  std::vector<int32_t> brokers;
  std::string aggregate;  // "", broker, dir, topic
  bool human = false;
  bool sort_by_size = false;
  std::string format;
};

struct Row {
  int32_t broker = 0;
  std::string dir;
  std::string topic;
  int32_t partition = -1;
  int64_t size = 0;
  std::string error;
};

std::string ErrorOf(int16_t code) {
  return code == 0 ? "" : protocol::ErrorCodeName(static_cast<protocol::ErrorCode>(code));
}

// Go's humanize.IBytes, which rpk uses for -H.
std::string HumanBytes(int64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(n);
  int unit = -1;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  return v < 10 ? fmt::format("{:.1f} {}", v, kUnits[unit])
                : fmt::format("{:.0f} {}", v, kUnits[unit]);
}

std::vector<Row> RowsOf(int32_t broker, const DescribeLogDirsResponse& response) {
  std::vector<Row> rows;
  if (response.error_code != 0)
    rows.push_back({broker, "", "", -1, 0, ErrorOf(response.error_code)});
  for (const auto& dir : response.results) {
    if (dir.error_code != 0 || dir.topics.empty()) {
      rows.push_back({broker, dir.log_dir, "", -1, 0, ErrorOf(dir.error_code)});
    }
    for (const auto& topic : dir.topics) {
      for (const auto& p : topic.partitions) {
        rows.push_back({broker, dir.log_dir, topic.name, p.partition_index, p.partition_size, ""});
      }
    }
  }
  return rows;
}

// Sums sizes into one row per broker, per directory or per topic.
std::vector<Row> Aggregate(const std::vector<Row>& rows, const std::string& into) {
  std::map<std::tuple<int32_t, std::string, std::string>, Row> sums;
  for (const Row& r : rows) {
    Row key{r.broker, into == "broker" ? "" : r.dir, into == "topic" ? r.topic : "", -1, 0, ""};
    Row& sum = sums.try_emplace({key.broker, key.dir, key.topic}, key).first->second;
    sum.size += r.size;
    if (sum.error.empty()) sum.error = r.error;
  }
  std::vector<Row> out;
  for (auto& [_, r] : sums) out.push_back(std::move(r));
  return out;
}

void Sort(std::vector<Row>& rows, bool by_size) {
  std::stable_sort(rows.begin(), rows.end(), [by_size](const Row& a, const Row& b) {
    if (by_size && a.size != b.size) return a.size > b.size;
    return std::tie(a.broker, a.dir, a.topic, a.partition) <
           std::tie(b.broker, b.dir, b.topic, b.partition);
  });
}

void Print(const std::vector<Row>& rows, const LogdirsOptions& opts) {
  const std::string& agg = opts.aggregate;
  const bool dir = agg != "broker", topic = agg.empty() || agg == "topic", part = agg.empty();
  OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText) {
    Json doc = Json::array();
    for (const Row& r : rows) {
      Json j = {{"broker", r.broker}};
      if (dir) j["dir"] = r.dir;
      if (topic) j["topic"] = r.topic;
      if (part) j["partition"] = r.partition;
      j["size"] = r.size;
      if (!r.error.empty()) j["error"] = r.error;
      doc.push_back(std::move(j));
    }
    PrintStructured(doc, format);
    return;
  }
  std::vector<std::string> headers = {"broker"};
  if (dir) headers.push_back("dir");
  if (topic) headers.push_back("topic");
  if (part) headers.push_back("partition");
  headers.insert(headers.end(), {"size", "error"});
  Table table(headers);
  for (const Row& r : rows) {
    std::vector<std::string> cells = {std::to_string(r.broker)};
    if (dir) cells.push_back(r.dir);
    if (topic) cells.push_back(r.topic);
    if (part) cells.push_back(r.partition < 0 ? "" : std::to_string(r.partition));
    cells.push_back(opts.human ? HumanBytes(r.size) : std::to_string(r.size));
    cells.push_back(r.error);
    table.AddRow(cells);
  }
  WriteStdout(table.Render());
}

int RunDescribe(const LogdirsOptions& opts, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  const ConnectionConfig& cfg = client->config();
  auto md = client->Metadata(/*topics_too=*/false);
  if (!md) return Fail("describe log dirs", md.error());
  DescribeLogDirsRequest request;
  if (!opts.topics.empty()) {
    auto all = client->Metadata(/*topics_too=*/true);
    if (!all) return Fail("describe log dirs", all.error());
    request.topics.emplace();
    for (const std::string& name : opts.topics) {
      const client::TopicInfo* t = all->FindTopic(name);
      if (t == nullptr || t->err) {
        return Fail("describe log dirs", fmt::format("topic {} does not exist", Quote(name)));
      }
      DescribeLogDirsRequest::DescribableLogDirTopic wanted;
      wanted.topic = name;
      for (const auto& p : t->partitions) wanted.partitions.push_back(p.id);
      request.topics->push_back(std::move(wanted));
    }
  }
  std::vector<Row> rows;
  int failed = 0;
  for (const client::BrokerInfo& b : md->brokers) {
    if (!opts.brokers.empty() &&
        std::find(opts.brokers.begin(), opts.brokers.end(), b.id) == opts.brokers.end()) {
      continue;
    }
    auto response = WireCall<DescribeLogDirsRequest, DescribeLogDirsResponse>(
        cfg, b.host, b.port, request, kDescribeLogDirsVersion, client->timeout());
    if (!response) {
      WriteStderr(fmt::format("unable to describe log dirs of broker {}: {}", b.id,
                              response.error().message()));
      ++failed;
      continue;
    }
    auto more = RowsOf(b.id, *response);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (!opts.aggregate.empty()) rows = Aggregate(rows, opts.aggregate);
  Sort(rows, opts.sort_by_size);
  Print(rows, opts);
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterClusterLogdirs(CLI::App* cluster, Context& ctx) {
  CLI::App* logdirs = cluster->add_subcommand("logdirs", "Describe log directories on brokers");
  logdirs->require_subcommand(0, 1);
  auto opts = std::make_shared<LogdirsOptions>();
  CLI::App* describe = logdirs->add_subcommand("describe", "Describe log directories");
  describe->add_option("--topics", opts->topics, "Only these topics (comma separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  describe->add_option("-b,--broker", opts->brokers, "Only these brokers (comma separated ids)")
      ->delimiter(',')
      ->allow_extra_args(false);
  describe
      ->add_option("--aggregate-into", opts->aggregate,
                   "Sum sizes into one row per broker, dir or topic")
      ->check(CLI::IsMember({"broker", "dir", "topic"}));
  describe->add_flag("-H,--human-readable", opts->human, "Print sizes as KiB, MiB, ...");
  describe->add_flag("--sort-by-size", opts->sort_by_size, "Largest first");
  AddFormatFlag(describe, &opts->format);
  OnRun(describe, ctx, [opts, &ctx] { return RunDescribe(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
