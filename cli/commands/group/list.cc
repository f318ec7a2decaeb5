// kpk group list: GROUP STATE for every consumer group, optionally only some states.
#include <algorithm>
#include <map>
#include <memory>

#include "cli/commands/group/group.h"
#include "cli/runtime.h"
#include "common/kafka_groups.h"
#include "common/text.h"

namespace kpk::cli {
namespace {

struct ListOptions {
  std::vector<std::string> states;
  std::string format;
};

int RunList(const ListOptions& opts, const Context& ctx) {
  std::optional<kafka::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto groups = kafka::ListGroups(*client);
  if (!groups) return Fail("list groups", groups.error());
  std::vector<std::string> wanted;
  for (const std::string& s : opts.states) wanted.push_back(ToLower(s));
  std::erase_if(*groups, [&](const kafka::GroupListing& g) {
    return !wanted.empty() &&
           std::find(wanted.begin(), wanted.end(), ToLower(g.state)) == wanted.end();
  });
  OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText) {
    Json doc = Json::array();
    for (const auto& g : *groups) doc.push_back({{"group", g.group}, {"state", g.state}});
    PrintStructured(doc, format);
    return kExitOk;
  }
  Table table({"group", "state"});
  for (const auto& g : *groups) table.AddRow({g.group, g.state});
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

}  // namespace kpk::cli
