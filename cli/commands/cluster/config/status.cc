// kpk cluster config status: each node's config version, pending restart, and the properties
// it could not apply.
#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

// A list cell as rpk prints a []string field: [a b].
std::string ListCell(const Json& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) out += (i ? " " : "") + list[i].get<std::string>();
  return out + "]";
}

int RunConfigStatus(const Context& ctx) {
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto status = source->NodeStatus();
  if (!status) return Fail("fetch status", status.error());
  Table table({"NODE", "CONFIG-VERSION", "NEEDS-RESTART", "INVALID", "UNKNOWN"});
  for (const Json& node : *status) {
    table.AddRow({std::to_string(node.value("node_id", -1)),
                  std::to_string(node.value("config_version", int64_t{-1})),
                  node.value("restart", false) ? "true" : "false",
                  ListCell(node.value("invalid", Json::array())),
                  ListCell(node.value("unknown", Json::array()))});
  }
  WriteStdout(table.Render());
  return kExitOk;
}

}  // namespace

void RegisterClusterConfigStatus(CLI::App* config, Context& ctx) {
  CLI::App* cmd = config->add_subcommand("status", "Get configuration status of the nodes");
  cmd->footer(
      "For each node: whether a restart is required for settings to take effect, the\n"
      "configuration version it has applied, and settings it rejected as invalid or unknown.");
  OnRun(cmd, ctx, [&ctx] { return RunConfigStatus(ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
