// kpk group offset-delete: forgets a group's commits for some partitions; prints TOPIC
// PARTITION STATUS.
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/core.h>

#include "cli/client/kafka_groups.h"
#include "cli/commands/group/group.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {
namespace {

struct OffsetDeleteOptions {
  std::string group;
  std::vector<std::string> topics;  // topic or topic:p1,p2
  std::string from_file;            // lines of "topic partition"
  std::string format;
};

Result<std::vector<client::TopicPartition>> Requested(client::Client& client,
                                                      const OffsetDeleteOptions& opts) {
  std::vector<client::TopicPartition> parts;
  std::optional<client::ClusterMetadata> md;
  for (const std::string& spec : opts.topics) {
    size_t colon = spec.find(':');
    std::string topic = spec.substr(0, colon);
    if (colon != std::string::npos) {
      for (const std::string& p : SplitList(spec.substr(colon + 1))) {
        std::optional<int64_t> id = ParseInt(p);
        if (!id || *id < 0)
          return Err(Status::InvalidArgument("invalid partition in " + Quote(spec)));
        parts.push_back({topic, static_cast<int32_t>(*id)});
      }
      continue;
    }
    if (!md) {
      auto fetched = client.Metadata();
      if (!fetched) return Err(fetched.error());
      md = std::move(*fetched);
    }
    const client::TopicInfo* t = md->FindTopic(topic);
    if (t == nullptr) return Err(Status::NotFound("topic " + Quote(topic) + " does not exist"));
    for (const auto& p : t->partitions) parts.push_back({topic, p.id});
  }
  if (!opts.from_file.empty()) {
    std::ifstream in(opts.from_file);
    if (!in) return Err(Status::FromErrno(errno, opts.from_file));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (Trim(line).empty()) continue;
      std::istringstream fields(line);
      client::TopicPartition tp;
      if (!(fields >> tp.topic >> tp.partition)) {
        return Err(Status::InvalidArgument(fmt::format(
            "{}:{}: expected \"topic partition\", got {}", opts.from_file, n, Quote(line))));
      }
      parts.push_back(tp);
    }
  }
  return parts;
}

int RunOffsetDelete(const OffsetDeleteOptions& opts, const Context& ctx) {
  if (opts.topics.empty() && opts.from_file.empty()) {
    return UsageError("one of --topic and --from-file is required");
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto parts = Requested(*client, opts);
  if (!parts) return Fail("delete group offsets", parts.error());
  auto results = client::DeleteGroupOffsets(*client, opts.group, *parts);
  if (!results) return Fail("delete group offsets", results.error());
  bool failed = false;
  Table table({"topic", "partition", "status"});
  Json docs = Json::array();
  for (const auto& r : *results) {
    std::string status = r.err ? client::ErrorText(r.err) : "OK";
    failed |= r.err != RD_KAFKA_RESP_ERR_NO_ERROR;
    table.AddRow({r.topic, std::to_string(r.partition), status});
    docs.push_back({{"topic", r.topic}, {"partition", r.partition}, {"status", status}});
  }
  OutputFormat format = FormatOf(opts.format);
  PrintAs(format, docs, table.Render());
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterGroupOffsetDelete(CLI::App* group, Context& ctx) {
  auto opts = std::make_shared<OffsetDeleteOptions>();
  CLI::App* cmd = group->add_subcommand("offset-delete", "Delete a group's committed offsets");
  cmd->add_option("group", opts->group, "Group whose offsets to delete")->required();
  cmd->add_option("-t,--topic", opts->topics, "Topic (all partitions) or topic:p1,p2 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-f,--from-file", opts->from_file, "File of \"topic partition\" lines");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunOffsetDelete(*opts, ctx); });
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
