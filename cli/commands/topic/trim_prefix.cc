// kpk topic trim-prefix: deletes records below an offset (DeleteRecords), after showing what
// will be trimmed and asking, unless --no-confirm.
#include <algorithm>
#include <memory>

#include <fmt/core.h>

#include "cli/client/kafka_admin.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct TrimOptions {
  std::string topic;
  std::string offset;
  std::vector<int32_t> partitions;
  bool no_confirm = false;
  std::string format;
};

int RunTrim(const TrimOptions& opts, const Context& ctx) {
  int64_t offset = RD_KAFKA_OFFSET_END;  // "end": everything up to the high watermark
  if (opts.offset != "end") {
    std::optional<int64_t> n = ParseInt(opts.offset);
    if (!n || *n < 0)
      return UsageError("invalid --offset " + Quote(opts.offset) + ": use a number or end");
    offset = *n;
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto md = client->Metadata();
  if (!md) return Fail("request metadata", md.error());
  const client::TopicInfo* topic = md->FindTopic(opts.topic);
  if (topic == nullptr) {
    return Fail(
        "trim topic " + Quote(opts.topic),
        client::ErrorName(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) + ": topic does not exist");
  }
  std::vector<client::PartitionOffset> before;
  for (const auto& p : topic->partitions) {
    if (opts.partitions.empty() ||
        std::find(opts.partitions.begin(), opts.partitions.end(), p.id) != opts.partitions.end()) {
      before.push_back({opts.topic, p.id, offset});
    }
  }
  if (before.size() < opts.partitions.size()) {
    return Fail("trim topic " + Quote(opts.topic), "some of the requested partitions do not exist");
  }
  if (!opts.no_confirm) {
    Table plan({"topic", "partition", "new-start-offset"});
    for (const auto& p : before) {
      plan.AddRow(
          {p.topic, std::to_string(p.partition), offset < 0 ? "end" : std::to_string(offset)});
    }
    WriteStdout(plan.Render());
    auto yes = Confirm("Delete the records before these offsets?");
    if (!yes) return Fail("trim topic " + Quote(opts.topic), yes.error());
    if (!*yes) {
      // As rpk: declining is a choice, not a failure.
      WriteStdout("Trimming canceled.\n");
      return kExitOk;
    }
  }
  auto results = client::DeleteRecords(*client, before);
  if (!results) return Fail("trim topic " + Quote(opts.topic), results.error());
  bool failed = false;
  Table table({"topic", "partition", "new-start-offset", "error"});
  Json docs = Json::array();
  for (const auto& r : *results) {
    std::string error = r.err ? client::ErrorName(r.err) + ": " + client::ErrorText(r.err) : "";
    failed |= !error.empty();
    table.AddRow(
        {r.topic, std::to_string(r.partition), r.err ? "-" : std::to_string(r.offset), error});
    Json doc = {{"topic", r.topic}, {"partition", r.partition}, {"new_start_offset", r.offset}};
    if (!error.empty()) doc["error"] = error;
    docs.push_back(std::move(doc));
  }
  OutputFormat format = FormatOf(opts.format);
  PrintAs(format, docs, table.Render());
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterTopicTrimPrefix(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<TrimOptions>();
  CLI::App* cmd = topic->add_subcommand("trim-prefix", "Delete records below an offset");
  cmd->alias("trim");
  cmd->add_option("topic", opts->topic, "Topic to trim")->required();
  cmd->add_option("-o,--offset", opts->offset, "New log start offset for each partition, or end")
      ->required();
  cmd->add_option("-p,--partitions", opts->partitions, "Partitions to trim (default all)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("--no-confirm", opts->no_confirm, "Trim without asking");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunTrim(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
