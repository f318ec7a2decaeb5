// kpk topic describe: SUMMARY, CONFIGS and PARTITIONS sections for topics.
#include <algorithm>
#include <memory>

#include "cli/client/kafka_admin.h"
#include "cli/client/metadata_view.h"
#include "cli/client/partition_details.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/name_filter.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct DescribeOptions {
  std::vector<std::string> topics;
  bool summary = false;
  bool configs = false;
  bool partitions = false;
  bool all = false;
  bool regex = false;
  std::string format;
};

// What was learnt about one topic; sections not requested stay empty.
struct TopicReport {
  const client::TopicInfo* topic = nullptr;
  std::optional<client::ResourceConfig> configs;
  std::map<client::TopicPartition, client::Watermarks> offsets;
  bool details = false;  // leader epochs and offline replicas known (Metadata v7)

  // rpk adds OFFLINE-REPLICAS and LOAD-ERROR only when some partition has them.
  bool AnyOffline() const {
    for (const client::PartitionInfo& p : topic->partitions) {
      if (!p.offline_replicas.empty()) return true;
    }
    return false;
  }
  bool AnyLoadError() const {
    for (const client::PartitionInfo& p : topic->partitions) {
      if (p.err) return true;
    }
    return false;
  }
};

std::string OffsetText(int64_t offset, rd_kafka_resp_err_t err) {
  if (err) return client::ErrorName(err);
  return offset < 0 ? "-" : std::to_string(offset);
}

std::string RenderSummary(const client::TopicInfo& t) {
  Table table;
  table.AddRow({"NAME", t.name});
  if (t.internal) table.AddRow({"INTERNAL", "true"});
  table.AddRow({"PARTITIONS", std::to_string(t.partitions.size())});
  if (!t.partitions.empty()) table.AddRow({"REPLICAS", std::to_string(t.ReplicationFactor())});
  return table.Render();
}

std::string ConfigValue(const client::ConfigEntry& e) {
  if (e.sensitive) return "(sensitive)";
  return e.value.value_or("");
}

std::string RenderConfigs(const client::ResourceConfig& rc) {
  Table table({"key", "value", "source"});
  for (const client::ConfigEntry& e : rc.entries) table.AddRow({e.name, ConfigValue(e), e.source});
  return table.Render();
}

// rpk's columns: PARTITION LEADER EPOCH REPLICAS [OFFLINE-REPLICAS] [LOAD-ERROR]
// LOG-START-OFFSET HIGH-WATERMARK. rpk shows no ISR here (its describe.go: "TODO add isr");
// kpk gives it in the structured output.
std::string RenderPartitions(const TopicReport& r) {
  bool offline = r.AnyOffline(), load_error = r.AnyLoadError();
  std::vector<std::string> headers = {"partition", "leader", "epoch", "replicas"};
  if (offline) headers.push_back("offline-replicas");
  if (load_error) headers.push_back("load-error");
  headers.insert(headers.end(), {"log-start-offset", "high-watermark"});
  Table table(headers);
  for (const client::PartitionInfo& p : r.topic->partitions) {
    auto it = r.offsets.find({r.topic->name, p.id});
    client::Watermarks w = it == r.offsets.end() ? client::Watermarks{} : it->second;
    std::vector<std::string> row = {std::to_string(p.id), std::to_string(p.leader),
                                    r.details ? std::to_string(p.leader_epoch) : "-",
                                    FormatIdList(p.replicas)};
    if (offline) row.push_back(FormatIdList(p.offline_replicas));
    if (load_error) row.push_back(p.err ? client::ErrorName(p.err) : "-");
    row.push_back(OffsetText(w.start, w.err));
    row.push_back(OffsetText(w.end, w.err));
    table.AddRow(std::move(row));
  }
  return table.Render();
}

// rpk's describeTopicPartition (topic/describe.go). offline_replicas and load_error appear only
// when some partition of the topic has them (rpk's `uses`), and then only where not empty
// (omitempty); last_stable_offset needs rpk's --stable, which kpk lacks, so it is never set.
Json PartitionJson(const TopicReport& r, const client::PartitionInfo& p) {
  const client::Watermarks& w = r.offsets.at({r.topic->name, p.id});
  std::vector<int32_t> replicas = p.replicas;
  std::sort(replicas.begin(), replicas.end());
  Json part = {{"partition", p.id},
               {"leader", p.leader},
               {"epoch", r.details ? p.leader_epoch : -1},
               {"replicas", replicas}};
  if (!p.offline_replicas.empty()) part["offline_replicas"] = p.offline_replicas;
  if (r.AnyLoadError()) part["load_error"] = p.err ? client::KafkaErrorText(p.err) : "-";
  // A failed ListOffsets is -1 with the error listed, as rpk does.
  part["log_start_offset"] = w.err ? -1 : w.start;
  part["high_watermark"] = w.err ? -1 : w.end;
  if (w.err) part["error"] = Json::array({client::ErrorName(w.err), client::ErrorName(w.err)});
  return part;
}

// rpk's describedTopic: {summary, configs, partitions}; --format json|yaml has every section.
Json ReportJson(const TopicReport& r) {
  const client::TopicInfo& t = *r.topic;
  Json summary = {{"name", t.name},
                  {"internal", t.internal},
                  {"partitions", t.partitions.size()},
                  {"replicas", t.partitions.empty() ? 0 : t.ReplicationFactor()},
                  {"error", ""}};  // topics with an error are reported on stderr instead
  Json configs = Json::array();
  if (r.configs) {
    for (const client::ConfigEntry& e : r.configs->entries) {
      configs.push_back({{"key", e.name}, {"value", ConfigValue(e)}, {"source", e.source}});
    }
  }
  std::vector<const client::PartitionInfo*> sorted;
  for (const client::PartitionInfo& p : t.partitions) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  Json parts = Json::array();
  for (const client::PartitionInfo* p : sorted) parts.push_back(PartitionJson(r, *p));
  return {{"summary", std::move(summary)},
          {"configs", std::move(configs)},
          {"partitions", std::move(parts)}};
}

// rpk's formatType over []describedTopic, what `--format help` prints.
constexpr std::string_view kDescribeShape =
    "[]{\n"
    "  summary: {\n"
    "    name: string\n"
    "    internal: bool\n"
    "    partitions: int\n"
    "    replicas: int\n"
    "    error: string\n"
    "  }\n"
    "  configs: []{\n"
    "    key: string\n"
    "    value: string\n"
    "    source: string\n"
    "  }\n"
    "  partitions: []{\n"
    "    partition: int32\n"
    "    leader: int32\n"
    "    epoch: int32\n"
    "    replicas: []int32\n"
    "    offline_replicas: []int32,omitempty\n"
    "    load_error: string,omitempty\n"
    "    log_start_offset: int64\n"
    "    last_stable_offset: int64,omitempty\n"
    "    high_watermark: int64\n"
    "    error: []string,omitempty\n"
    "  }\n"
    "}";

std::string RenderReport(const TopicReport& r, const DescribeOptions& opts) {
  Sections sections(opts.summary + opts.configs + opts.partitions);
  std::string out;
  if (opts.summary) out += sections.Add("summary", RenderSummary(*r.topic));
  if (opts.configs && r.configs) out += sections.Add("configs", RenderConfigs(*r.configs));
  if (opts.partitions) out += sections.Add("partitions", RenderPartitions(r));
  return out;
}

// Fills configs and offsets for the sections asked for; false if a request failed (reported).
bool Collect(client::Client& client, const DescribeOptions& opts, TopicReport& r) {
  if (opts.configs) {
    auto configs = client::DescribeTopicConfigs(client, {r.topic->name});
    if (!configs || configs->empty()) {
      Fail("describe configs for topic " + Quote(r.topic->name),
           configs ? Status::IOError("empty response") : configs.error());
      return false;
    }
    if (!configs->front().result.ok()) {
      Fail("describe configs for topic " + Quote(r.topic->name), configs->front().result.message);
      return false;
    }
    r.configs = std::move(configs->front());
  }
  if (opts.partitions) {
    std::vector<client::TopicPartition> parts;
    for (const client::PartitionInfo& p : r.topic->partitions)
      parts.push_back({r.topic->name, p.id});
    auto offsets = client.ListWatermarks(parts);
    if (!offsets) {
      Fail("list offsets for topic " + Quote(r.topic->name), offsets.error());
      return false;
    }
    r.offsets = std::move(*offsets);
  }
  return true;
}

int RunDescribe(DescribeOptions opts, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  Result<client::ClusterMetadata> md = client->Metadata();
  if (!md) return Fail("request metadata", md.error());

  std::vector<std::string> names = opts.topics;
  if (opts.regex) {
    std::vector<std::string> all;
    for (const client::TopicInfo& t : md->topics) all.push_back(t.name);
    auto matched = FilterByRegex(all, opts.topics);
    if (!matched) return UsageError(matched.error().message());
    names = std::move(*matched);
    if (names.empty()) {
      WriteStdout("did not match any topics, exiting.\n");
      return kExitOk;
    }
  }
  if (!opts.summary && !opts.configs && !opts.partitions) opts.summary = opts.configs = true;
  OutputFormat format = FormatOf(opts.format);
  if (opts.all || names.size() > 1 || format != OutputFormat::kText) {
    opts.summary = opts.configs = opts.partitions = true;
  }

  // Leader epochs and offline replicas, which librdkafka 2.0 does not expose ("-" without).
  const bool details = opts.partitions && client::AddPartitionDetails(*client, *md, names);

  int exit_code = kExitOk;
  Json docs = Json::array();
  std::string text;
  for (const std::string& name : names) {
    TopicReport report;
    report.topic = md->FindTopic(name);
    if (report.topic == nullptr || report.topic->err) {
      auto err = client::AbsentTopicError(*client, *md, name);
      exit_code = Fail("describe topic " + Quote(name),
                       client::ErrorName(err) + ": " + client::ErrorText(err));
      continue;
    }
    report.details = details;
    if (!Collect(*client, opts, report)) {
      exit_code = kExitFailure;
      continue;
    }
    if (format != OutputFormat::kText) {
      docs.push_back(ReportJson(report));
    } else {
      if (!text.empty()) text += "\n";
      text += RenderReport(report, opts);
    }
  }
  PrintAs(format, docs, text);
  return exit_code;
}

}  // namespace

void RegisterTopicDescribe(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<DescribeOptions>();
  CLI::App* cmd = topic->add_subcommand("describe", "Describe topics");
  cmd->alias("info");
  cmd->footer(
      "Prints up to three sections: a summary, the topic configs, and the partitions with\n"
      "their log start offsets and high watermarks. By default the summary and configs are\n"
      "printed; with several topics or -a, every section.");
  cmd->add_option("topics", opts->topics, "Topics to describe (expressions with -r)")->required();
  cmd->add_flag("-s,--print-summary", opts->summary, "Print the summary section");
  cmd->add_flag("-c,--print-configs", opts->configs, "Print the config section");
  cmd->add_flag("-p,--print-partitions", opts->partitions, "Print the partitions section");
  cmd->add_flag("-a,--print-all", opts->all, "Print all sections");
  cmd->add_flag("-r,--regex", opts->regex,
                "Parse topics as regular expressions; describe any topic matching any of them");
  AddFormatFlag(cmd, &opts->format, [] { return std::string(kDescribeShape); });
  OnRun(cmd, ctx, [opts, &ctx] { return RunDescribe(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
