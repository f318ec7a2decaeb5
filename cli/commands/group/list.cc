// kpk group list: BROKER GROUP STATE for every consumer group, optionally only some states.
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <string_view>

#include "cli/client/kafka_groups.h"
#include "cli/commands/group/group.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {
namespace {

struct ListOptions {
  std::vector<std::string> states;
  std::string format;
};

// The states ListGroups can report, in rpk's spelling; -s takes them in any case.
constexpr std::array<std::string_view, 5> kStates = {"PreparingRebalance", "CompletingRebalance",
                                                     "Stable", "Dead", "Empty"};

int RunList(const ListOptions& opts, const Context& ctx) {
  // rpk rejects unknown states rather than silently listing nothing.
  std::vector<std::string> wanted;
  for (const std::string& s : opts.states) {
    if (std::none_of(kStates.begin(), kStates.end(),
                     [&](std::string_view k) { return ToLower(k) == ToLower(s); })) {
      return UsageError("invalid group state " + Quote(s) +
                        " (use PreparingRebalance, CompletingRebalance, Stable, Dead or Empty)");
    }
    wanted.push_back(ToLower(s));
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto groups = client::ListGroups(*client);
  if (!groups) return Fail("list groups", groups.error());
  std::erase_if(*groups, [&](const client::GroupListing& g) {
    return !wanted.empty() &&
           std::find(wanted.begin(), wanted.end(), ToLower(g.state)) == wanted.end();
  });
  // rpk's first column is BROKER, the group's coordinator. librdkafka's ListConsumerGroups
  // does not say which broker answered, so ask DescribeGroups (it reports the coordinator);
  // if that fails the column shows -1 rather than failing the listing.
  std::map<std::string, int32_t> coordinator;
  if (!groups->empty()) {
    std::vector<std::string> names;
    for (const auto& g : *groups) names.push_back(g.group);
    auto described = client::DescribeGroups(*client, names);
    if (described) {
      for (const auto& d : *described) coordinator[d.result.name] = d.coordinator;
    } else {
      Warn("unable to find group coordinators: " + described.error().message());
    }
  }
  auto broker_of = [&](const std::string& group) {
    auto it = coordinator.find(group);
    return it == coordinator.end() ? -1 : it->second;
  };
  OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText) {
    Json doc = Json::array();
    for (const auto& g : *groups) {
      doc.push_back({{"broker", broker_of(g.group)}, {"group", g.group}, {"state", g.state}});
    }
    PrintStructured(doc, format);
    return kExitOk;
  }
  Table table({"broker", "group", "state"});
  for (const auto& g : *groups) {
    table.AddRow({std::to_string(broker_of(g.group)), g.group, g.state});
  }
  WriteStdout(table.Render());
  return kExitOk;
}

}  // namespace

void RegisterGroupList(CLI::App* group, Context& ctx) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = group->add_subcommand("list", "List consumer groups");
  cmd->alias("ls");
  cmd->add_option("-s,--states", opts->states,
                  "Only groups in these states (comma separated: Stable, Empty, Dead, "
                  "PreparingRebalance, CompletingRebalance)")
      ->delimiter(',')
      ->allow_extra_args(false);
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunList(*opts, ctx); });
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
