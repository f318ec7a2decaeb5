// kpk cluster config get KEY: the bare value, YAML-encoded, for scripts.
#include <memory>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

int RunConfigGet(const std::string& key, const Context& ctx) {
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto values = source->Values(/*include_defaults=*/true);
  if (!values) return Fail("query current config", values.error());
  if (!values->contains(key)) {
    WriteStderr("Property '" + key + "' not found");
    return kExitFailure;
  }
  // Integral numbers print as integers, as rpk does.
  Json value = (*values)[key];
  if (value.is_number_float() &&
      value.get<double>() == static_cast<double>(static_cast<int64_t>(value.get<double>()))) {
    value = static_cast<int64_t>(value.get<double>());
  }
  // yaml-cpp writes null as "~"; Go's yaml (rpk) as "null".
  WriteStdout(value.is_null() ? "null\n" : ToYaml(value));
  return kExitOk;
}

}  // namespace

void RegisterClusterConfigGet(CLI::App* config, Context& ctx) {
  auto key = std::make_shared<std::string>();
  CLI::App* cmd = config->add_subcommand("get", "Get a cluster configuration property");
  cmd->footer(
      "This command is provided for use in scripts. For interactive editing, or bulk\n"
      "output, use the 'edit' and 'export' commands respectively.");
  cmd->add_option("key", *key, "Property name")->required();
  OnRun(cmd, ctx, [key, &ctx] { return RunConfigGet(*key, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
