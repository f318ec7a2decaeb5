// kpk cluster config list [--filter REGEX]: every property with its current value.
#include <memory>
#include <regex>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

struct ConfigListOptions {
  std::string filter;
  std::string format;
};

int RunConfigList(const ConfigListOptions& opts, const Context& ctx) {
  std::regex filter;
  try {
    filter = std::regex(opts.filter.empty() ? ".*" : opts.filter);
  } catch (const std::regex_error& e) {
    return UsageError("invalid --filter regex: " + std::string(e.what()));
  }
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto values = source->Values(/*include_defaults=*/true);
  if (!values) return Fail("query current config", values.error());
  Json shown = Json::object();
  Table table({"PROPERTY", "VALUE"});
  for (const auto& [name, value] : values->items()) {
    if (!std::regex_search(name, filter)) continue;
    shown[name] = value;
    table.AddRow({name, PlainValue(value)});
  }
  PrintAs(FormatOf(opts.format), shown, table.Render());
  return kExitOk;
}

}  // namespace

void RegisterClusterConfigList(CLI::App* config, Context& ctx) {
  auto opts = std::make_shared<ConfigListOptions>();
  CLI::App* cmd = config->add_subcommand("list", "List cluster configuration properties");
  cmd->add_option("--filter", opts->filter, "Only properties whose name matches this regex");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunConfigList(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
