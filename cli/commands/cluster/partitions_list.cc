// kpk cluster partitions list [TOPICS...]: where each partition's replicas are (node and
// core) and who leads it, from the Admin API, as `rpk cluster partitions list` prints it.
#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/core.h>

#include "cli/commands/cluster/cluster.h"
#include "cli/format/output.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

struct PartitionsOptions {
  std::vector<std::string> topics;
  bool all = false;
  bool disabled_only = false;
  std::vector<int64_t> partitions;
  std::vector<int64_t> node_ids;
  std::string format;
};

// "ns/topic", or a topic in the "kafka" namespace.
std::pair<std::string, std::string> SplitNamespace(const std::string& arg) {
  size_t slash = arg.find('/');
  if (slash == std::string::npos) return {"kafka", arg};
  return {arg.substr(0, slash), arg.substr(slash + 1)};
}

// /v1/partitions' entries in /v1/cluster/partitions' shape, for clusters without the latter;
// they say nothing about disabling, so `disabled` stays absent.
Json FromPartitions(const Json& partitions) {
  Json out = Json::array();
  for (const Json& p : partitions) {
    out.push_back({{"ns", p.value("ns", "")},
                   {"topic", p.value("topic", "")},
                   {"partition_id", p.value("partition_id", int64_t{0})},
                   {"leader_id", p.contains("leader_id") ? p["leader_id"] : Json()},
                   {"replicas", p.value("replicas", Json::array())}});
  }
  return out;
}

// rpk prints rpadmin.ClusterPartition: {ns, topic, partition_id, leader_id (omitempty),
// replicas: [{node_id, core}], disabled (omitempty)}; whatever else the Admin API sends is
// dropped, and a null leader or disabled flag is left out as Go's nil pointers are.
Json ClusterPartitionJson(const Json& p) {
  Json out = {{"ns", p.value("ns", "")},
              {"topic", p.value("topic", "")},
              {"partition_id", p.value("partition_id", int64_t{0})}};
  if (p.contains("leader_id") && p["leader_id"].is_number()) out["leader_id"] = p["leader_id"];
  Json replicas = Json::array();
  for (const Json& r : p.value("replicas", Json::array())) {
    replicas.push_back(
        {{"node_id", r.value("node_id", int64_t{0})}, {"core", r.value("core", int64_t{0})}});
  }
  out["replicas"] = std::move(replicas);
  if (p.contains("disabled") && p["disabled"].is_boolean()) out["disabled"] = p["disabled"];
  return out;
}

// rpk's formatType over []rpadmin.ClusterPartition, what `--format help` prints.
constexpr std::string_view kClusterPartitionShape =
    "[]{\n"
    "  ns: string\n"
    "  topic: string\n"
    "  partition_id: int\n"
    "  leader_id: *int,omitempty\n"
    "  replicas: []{\n"
    "    node_id: int\n"
    "    core: int\n"
    "  }\n"
    "  disabled: *bool,omitempty\n"
    "}";

// One topic's partitions: /v1/cluster/partitions/{ns}/{topic}, else (404) /v1/partitions.
Result<Json> TopicPartitions(const AdminClient& admin, const std::string& arg, bool disabled_only) {
  auto [ns, topic] = SplitNamespace(arg);
  std::string path = fmt::format("/v1/cluster/partitions/{}/{}", ns, topic);
  if (disabled_only) path += "?disabled=true";
  Result<AdminResponse> response = admin.Send("GET", path);
  if (!response) return Err(response.error());
  if (response->status != 404) return JsonOf(*response);
  Result<Json> old = admin.GetJson(fmt::format("/v1/partitions/{}/{}", ns, topic));
  if (!old) {
    return Err(Status::NotFound(fmt::format("unable to query partition metadata of topic {}: {}",
                                            Quote(topic), old.error().message())));
  }
  return FromPartitions(*old);
}

bool Keep(const Json& p, const PartitionsOptions& opts) {
  if (!opts.partitions.empty()) {
    int64_t id = p.value("partition_id", int64_t{-1});
    if (std::find(opts.partitions.begin(), opts.partitions.end(), id) == opts.partitions.end()) {
      return false;
    }
  }
  // rpk's filter: the partition has a replica on every one of the given nodes.
  for (int64_t node : opts.node_ids) {
    bool found = false;
    for (const Json& r : p.value("replicas", Json::array())) {
      found = found || r.value("node_id", int64_t{-1}) == node;
    }
    if (!found) return false;
  }
  return true;
}

void SortPartitions(Json& partitions) {
  std::sort(partitions.begin(), partitions.end(), [](const Json& a, const Json& b) {
    return std::make_tuple(a.value("ns", ""), a.value("topic", ""),
                           a.value("partition_id", int64_t{0})) <
           std::make_tuple(b.value("ns", ""), b.value("topic", ""),
                           b.value("partition_id", int64_t{0}));
  });
}

// REPLICA-CORE as rpk prints its list: "[node-core node-core]".
std::string ReplicaCores(const Json& p) {
  std::vector<std::string> parts;
  for (const Json& r : p.value("replicas", Json::array())) {
    parts.push_back(fmt::format("{}-{}", r.value("node_id", int64_t{0}), r.value("core", 0)));
  }
  return "[" + Join(parts, " ") + "]";
}

std::string PartitionsTable(const Json& partitions) {
  Table table({"NAMESPACE", "TOPIC", "PARTITION", "LEADER-ID", "REPLICA-CORE", "DISABLED"});
  for (const Json& p : partitions) {
    const Json leader = p.value("leader_id", Json());
    const Json disabled = p.value("disabled", Json());
    table.AddRow({p.value("ns", ""), p.value("topic", ""),
                  std::to_string(p.value("partition_id", int64_t{0})),
                  leader.is_number() ? leader.dump() : "-", ReplicaCores(p),
                  disabled.is_boolean() ? disabled.dump() : "-"});
  }
  return table.Render();
}

Result<Json> Collect(const AdminClient& admin, const PartitionsOptions& opts) {
  if (opts.all) {
    Result<Json> all = admin.GetJson(fmt::format("/v1/cluster/partitions?with_internal=true{}",
                                                 opts.disabled_only ? "&disabled=true" : ""));
    if (!all) {
      return Err(Status::Unavailable(
          fmt::format("unable to query all partitions in the cluster: {}", all.error().message())));
    }
    return all;
  }
  Json out = Json::array();
  for (const std::string& topic : opts.topics) {
    Result<Json> partitions = TopicPartitions(admin, topic, opts.disabled_only);
    if (!partitions) return Err(partitions.error());
    for (const Json& p : *partitions) out.push_back(p);
  }
  return out;
}

int Run(CLI::App* cmd, const PartitionsOptions& opts, const Context& ctx) {
  if (opts.topics.empty() && !opts.all) {
    WriteStdout(cmd->help());
    return kExitOk;
  }
  if (!opts.topics.empty() && opts.all) {
    return UsageError("flag '--all' cannot be used with topic filters");
  }
  for (const std::string& t : opts.topics) {
    if (t.empty() || SplitNamespace(t).second.empty()) return UsageError("invalid empty topic");
  }
  std::optional<AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return kExitFailure;
  Result<Json> partitions = Collect(*admin, opts);
  if (!partitions) {
    WriteStderr(partitions.error().message());
    return kExitFailure;
  }
  if (!partitions->is_array()) return Fail("list partitions", "the answer is not a list");
  Json kept = Json::array();
  for (const Json& p : *partitions) {
    if (Keep(p, opts)) kept.push_back(p);
  }
  SortPartitions(kept);
  OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText) {
    Json docs = Json::array();
    for (const Json& p : kept) docs.push_back(ClusterPartitionJson(p));
    PrintStructured(docs, format);
    return kExitOk;
  }
  WriteStdout(PartitionsTable(kept));
  return kExitOk;
}

}  // namespace

void RegisterClusterPartitionsList(CLI::App* partitions, Context& ctx) {
  auto opts = std::make_shared<PartitionsOptions>();
  CLI::App* list = partitions->add_subcommand("list", "List partitions in the cluster");
  list->alias("ls");
  list->alias("describe");
  list->add_option("topics", opts->topics, "Topics, as TOPIC or NAMESPACE/TOPIC");
  list->add_flag("-a,--all", opts->all, "List all partitions in the cluster");
  list->add_flag("--disabled-only", opts->disabled_only, "List disabled partitions only");
  list->add_option("-p,--partition", opts->partitions, "Only these partition ids (comma separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  list->add_option("-n,--node-ids", opts->node_ids,
                   "Only partitions with replicas on all of these brokers (comma separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  AddFormatFlag(list, &opts->format, [] { return std::string(kClusterPartitionShape); });
  OnRun(list, ctx, [list, opts, &ctx] { return Run(list, *opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
