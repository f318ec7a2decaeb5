// kpk cluster txn describe-producers: the active producers on partitions (DescribeProducers at
// each partition's leader), as `rpk cluster txn describe-producers`.
#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include <fmt/core.h>

#include "broker/protocol/generated/describe_producers_request.h"
#include "broker/protocol/generated/describe_producers_response.h"
#include "broker/protocol/generated/error_code.h"
#include "cli/client/wire_request.h"
#include "cli/commands/cluster/txn/txn.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {
// Named, since the unity build puts several verbs' files into one translation unit.
namespace txn_producers {

using protocol::DescribeProducersRequest;
using protocol::DescribeProducersResponse;

constexpr int16_t kDescribeProducersVersion = 0;

struct ProducersOptions {
  std::vector<std::string> topics;
  std::vector<int32_t> partitions;
  bool all = false;
  std::string format;
};

// One producer on one partition, or (with `error`) a partition that could not be described.
struct Row {
  int32_t leader = -1;
  std::string topic;
  int32_t partition = -1;
  DescribeProducersResponse::ProducerState producer;
  std::string error;
};

using Wanted = std::map<int32_t, std::map<std::string, std::vector<int32_t>>>;  // by leader

// Groups the requested partitions by leader; ones without a leader (or unknown) become rows.
Wanted ByLeader(const client::ClusterMetadata& md, const ProducersOptions& opts,
                std::vector<Row>& rows) {
  const std::string unknown =
      txn::ErrorText(protocol::ToInt(protocol::ErrorCode::kUnknownTopicOrPartition));
  Wanted wanted;
  auto add = [&](const client::TopicInfo& t, const client::PartitionInfo& p) {
    if (p.leader < 0) {
      rows.push_back({-1,
                      t.name,
                      p.id,
                      {},
                      txn::ErrorText(protocol::ToInt(protocol::ErrorCode::kLeaderNotAvailable))});
      return;
    }
    wanted[p.leader][t.name].push_back(p.id);
  };
  if (opts.all) {
    for (const auto& t : md.topics)
      for (const auto& p : t.partitions) add(t, p);
    return wanted;
  }
  for (const std::string& name : opts.topics) {
    const client::TopicInfo* t = md.FindTopic(name);
    if (t == nullptr || t->err) {
      rows.push_back({-1, name, -1, {}, unknown});
      continue;
    }
    for (const auto& p : t->partitions) {
      if (opts.partitions.empty() ||
          std::count(opts.partitions.begin(), opts.partitions.end(), p.id))
        add(*t, p);
    }
    for (int32_t id : opts.partitions) {
      auto has = [id](const client::PartitionInfo& p) { return p.id == id; };
      if (std::none_of(t->partitions.begin(), t->partitions.end(), has)) {
        rows.push_back({-1, name, id, {}, unknown});
      }
    }
  }
  return wanted;
}

void AddResponseRows(int32_t leader, const DescribeProducersResponse& response,
                     std::vector<Row>& rows) {
  for (const auto& t : response.topics) {
    for (const auto& p : t.partitions) {
      if (p.error_code != 0) {
        rows.push_back({leader, t.name, p.partition_index, {}, txn::ErrorText(p.error_code)});
        continue;
      }
      for (const auto& producer : p.active_producers) {
        rows.push_back({leader, t.name, p.partition_index, producer, ""});
      }
    }
  }
}

const char* const kHeaders[] = {
    "leader",        "topic",          "partition",         "producer-id",      "producer-epoch",
    "last-sequence", "last-timestamp", "coordinator-epoch", "txn-start-offset", "error"};

// As rpk prints them: a partition's error row has zeros in the producer's fields; the last
// timestamp is RFC 3339 in text and a string of milliseconds in JSON and YAML.
void Print(const std::vector<Row>& rows, OutputFormat format) {
  Json doc = Json::array();
  Table table(std::vector<std::string>(std::begin(kHeaders), std::end(kHeaders)));
  for (const Row& r : rows) {
    const auto& p = r.producer;
    const bool is_error = !r.error.empty();
    std::string timestamp = is_error ? "" : std::to_string(p.last_timestamp);
    Json j = {{"leader", r.leader},
              {"topic", r.topic},
              {"partition", r.partition},
              {"producer_id", is_error ? 0 : p.producer_id},
              {"producer_epoch", is_error ? 0 : p.producer_epoch},
              {"last_sequence", is_error ? 0 : p.last_sequence},
              {"last_timestamp", timestamp},
              {"coordinator_epoch", is_error ? 0 : p.coordinator_epoch},
              {"transaction_start_offset", is_error ? 0 : p.current_txn_start_offset}};
    if (is_error) j["error"] = r.error;
    table.AddRow({std::to_string(r.leader), r.topic, std::to_string(r.partition),
                  j["producer_id"].dump(), j["producer_epoch"].dump(), j["last_sequence"].dump(),
                  is_error ? "" : txn::Timestamp(p.last_timestamp), j["coordinator_epoch"].dump(),
                  j["transaction_start_offset"].dump(), r.error});
    doc.push_back(std::move(j));
  }
  PrintAs(format, doc, table.Render());
}

int RunDescribeProducers(const ProducersOptions& opts, const Context& ctx) {
  if (opts.topics.empty() && !opts.partitions.empty()) {
    return UsageError("cannot specify partitions without any topics");
  }
  if (!opts.all && opts.topics.empty()) {
    return UsageError("must specify at least one of --all or --topics");
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto md = client->Metadata(/*topics_too=*/true);
  if (!md) return Fail("describe producers", md.error());
  std::vector<Row> rows;
  Wanted wanted = ByLeader(*md, opts, rows);
  int failed = 0;
  for (const auto& [leader, topics] : wanted) {
    auto b = std::find_if(md->brokers.begin(), md->brokers.end(),
                          [leader](const client::BrokerInfo& x) { return x.id == leader; });
    DescribeProducersRequest request;
    for (const auto& [name, partitions] : topics) request.topics.push_back({name, partitions, {}});
    auto response =
        b == md->brokers.end()
            ? Result<DescribeProducersResponse>(Err(Status::NotFound("leader not in metadata")))
            : WireCall<DescribeProducersRequest, DescribeProducersResponse>(
                  client->config(), b->host, b->port, request, kDescribeProducersVersion,
                  client->timeout());
    if (!response) {
      WriteStderr(fmt::format("DescribeProducers on broker {} failed: {}", leader,
                              response.error().message()));
      ++failed;
      continue;
    }
    AddResponseRows(leader, *response, rows);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.topic, a.partition, a.producer.producer_id) <
           std::tie(b.topic, b.partition, b.producer.producer_id);
  });
  Print(rows, FormatOf(opts.format));
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace txn_producers
}  // namespace

void RegisterClusterTxnDescribeProducers(CLI::App* txn, Context& ctx) {
  CLI::App* cmd =
      txn->add_subcommand("describe-producers", "Describe transactional producers to partitions");
  cmd->footer(
      "Describes the active producers of partitions: --all for every partition, or --topics\n"
      "(and optionally --partitions). The transaction start offset bounds what read_committed\n"
      "consumers can read.");
  auto opts = std::make_shared<txn_producers::ProducersOptions>();
  CLI::Option* topics =
      cmd->add_option("-t,--topics", opts->topics, "Topics to describe producers for (repeatable)")
          ->delimiter(',')
          ->allow_extra_args(false);
  CLI::Option* partitions = cmd->add_option("-p,--partitions", opts->partitions,
                                            "Partitions to describe producers for (repeatable)")
                                ->delimiter(',')
                                ->allow_extra_args(false);
  cmd->add_flag("-a,--all", opts->all, "Query all producer IDs on any topic")
      ->excludes(topics)
      ->excludes(partitions);
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return txn_producers::RunDescribeProducers(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
