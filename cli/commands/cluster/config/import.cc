// kpk cluster config import -f FILE [--all]: applies the differences between the cluster's
// configuration and the file; a property left out of the file is reset to its default.
#include <memory>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

struct ConfigImportOptions {
  std::string filename;
  bool all = false;
};

int RunConfigImport(const ConfigImportOptions& opts, const Context& ctx) {
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto schema = source->Schema();
  if (!schema) return Fail("query config schema", schema.error());
  auto changed = source->Values(/*include_defaults=*/false);
  if (!changed) return Fail("query config values", changed.error());
  auto full = source->Values(/*include_defaults=*/true);
  if (!full) return Fail("query config values", full.error());
  return ImportConfig(*source, opts.filename, *schema, *changed, *full, opts.all);
}

}  // namespace

void RegisterClusterConfigImport(CLI::App* config, Context& ctx) {
  auto opts = std::make_shared<ConfigImportOptions>();
  CLI::App* cmd = config->add_subcommand("import", "Import cluster configuration from a file");
  cmd->footer(
      "Reads a YAML file, usually written by 'export', compares it with the current cluster\n"
      "configuration and updates the properties that changed. A property removed from the\n"
      "file is reset to its default.");
  cmd->add_option("-f,--filename", opts->filename,
                  "full path to file to import, e.g. '/tmp/config.yml'")
      ->required();
  cmd->add_flag("--all", opts->all, "Include all properties, including tunables");
  OnRun(cmd, ctx, [opts, &ctx] { return RunConfigImport(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
