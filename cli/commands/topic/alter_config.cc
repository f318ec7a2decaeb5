// kpk topic alter-config: sets, deletes, appends to or subtracts from topic configs.
//
// librdkafka 2.0.2 has only the non-incremental AlterConfigs, which replaces a topic's whole
// dynamic config, so this describes the topic first and sends the full edited set.
#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include "cli/client/kafka_admin.h"
#include "cli/client/result_view.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct AlterConfigOptions {
  std::vector<std::string> topics;
  std::vector<std::string> set;
  std::vector<std::string> remove;
  std::vector<std::string> append;
  std::vector<std::string> subtract;
  bool dry = false;
  std::string format;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Edits {
  KeyValues set, append, subtract;
  std::vector<std::string> remove;
};

// Applies the edits to one topic's configs; returns the new dynamic set.
std::map<std::string, std::string> Edit(const client::ResourceConfig& current, const Edits& edits) {
  std::map<std::string, std::string> dynamic, effective;
  for (const client::ConfigEntry& e : current.entries) {
    if (!e.value) continue;
    effective[e.name] = *e.value;
    if (e.source == "DYNAMIC_TOPIC_CONFIG") dynamic[e.name] = *e.value;
  }
  for (const auto& [k, v] : edits.set) dynamic[k] = v;
  for (const std::string& k : edits.remove) dynamic.erase(k);
  for (const auto& [k, v] : edits.append) {
    auto it = dynamic.find(k);
    std::vector<std::string> items = SplitList(it != dynamic.end()  ? it->second
                                               : effective.count(k) ? effective[k]
                                                                    : "");
    if (std::find(items.begin(), items.end(), v) == items.end()) items.push_back(v);
    dynamic[k] = Join(items, ",");
  }
  for (const auto& [k, v] : edits.subtract) {
    auto it = dynamic.find(k);
    std::vector<std::string> items = SplitList(it != dynamic.end()  ? it->second
                                               : effective.count(k) ? effective[k]
                                                                    : "");
    std::erase(items, v);
    dynamic[k] = Join(items, ",");
  }
  return dynamic;
}

int RunAlterConfig(const AlterConfigOptions& opts, const Context& ctx) {
  Edits edits;
  for (auto [flag, in, out] : {std::tuple{"--set", &opts.set, &edits.set},
                               std::tuple{"--append", &opts.append, &edits.append},
                               std::tuple{"--subtract", &opts.subtract, &edits.subtract}}) {
    auto parsed = ParseKeyValues(*in);
    if (!parsed)
      return UsageError(std::string("invalid ") + flag + ": " + parsed.error().message());
    *out = std::move(*parsed);
  }
  edits.remove = opts.remove;
  if (edits.set.empty() && edits.remove.empty() && edits.append.empty() && edits.subtract.empty()) {
    return UsageError("nothing to alter: give --set, --delete, --append or --subtract");
  }
  for (const auto& [k, v] : edits.set) {
    if (std::find(edits.remove.begin(), edits.remove.end(), k) != edits.remove.end()) {
      return UsageError("cannot both set and delete " + Quote(k));
    }
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto described = client::DescribeTopicConfigs(*client, opts.topics);
  if (!described) return Fail("describe topic configs", described.error());

  std::vector<client::ItemResult> failed;
  std::vector<client::TopicConfigSet> sets;
  for (const client::ResourceConfig& rc : *described) {
    if (!rc.result.ok()) {
      failed.push_back(rc.result);
      continue;
    }
    client::TopicConfigSet set{rc.result.name, {}};
    for (auto& [k, v] : Edit(rc, edits)) set.configs.emplace_back(k, v);
    sets.push_back(std::move(set));
  }
  std::vector<client::ItemResult> results;
  if (!sets.empty()) {
    auto altered = client::AlterTopicConfigs(*client, sets, opts.dry);
    if (!altered) return Fail("alter topic configs", altered.error());
    results = std::move(*altered);
  }
  results.insert(results.end(), failed.begin(), failed.end());
  return PrintItemResults("topic", results, opts.format);
}

}  // namespace

void RegisterTopicAlterConfig(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<AlterConfigOptions>();
  CLI::App* cmd = topic->add_subcommand("alter-config", "Set, delete, add or remove topic configs");
  cmd->add_option("topics", opts->topics, "Topics to alter")->required();
  cmd->add_option("-s,--set", opts->set, "key=value to set (repeatable)")->allow_extra_args(false);
  cmd->add_option("-d,--delete", opts->remove,
                  "Key to delete, reverting to the default (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--append", opts->append, "key=value to add to a list config (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--subtract", opts->subtract,
                  "key=value to remove from a list config (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--dry", opts->dry, "Validate the change without applying it");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunAlterConfig(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
