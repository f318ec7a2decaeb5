// kpk cluster config export [-f FILE] [--all]: the configuration as YAML to edit and import.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

struct ConfigExportOptions {
  std::string filename;
  bool all = false;
};

int RunConfigExport(const ConfigExportOptions& opts, const Context& ctx) {
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto schema = source->Schema();
  if (!schema) return Fail("query config schema", schema.error());
  auto values = source->Values(/*include_defaults=*/true);
  if (!values) return Fail("query current config", values.error());
  std::string path = opts.filename;
  if (path.empty()) {
    std::string pattern = "/tmp/config_XXXXXX.yaml";
    int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) {
      return Fail(fmt::format("create file \"/tmp/config_*.yaml\""), std::strerror(errno));
    }
    ::close(fd);
    path = pattern;
  }
  std::ofstream out(path, std::ios::trunc);
  out << ExportYaml(*schema, *values, opts.all);
  out.close();
  if (!out) return Fail(fmt::format("write out config \"{}\"", path), std::strerror(errno));
  WriteStdout(fmt::format("Wrote configuration to file \"{}\".\n", path));
  return kExitOk;
}

}  // namespace

void RegisterClusterConfigExport(CLI::App* config, Context& ctx) {
  auto opts = std::make_shared<ConfigExportOptions>();
  CLI::App* cmd = config->add_subcommand("export", "Export cluster configuration");
  cmd->footer(
      "Writes a YAML representation of the cluster configuration to a file, suitable for\n"
      "editing and later applying with 'import'. Low level tunables are left out unless\n"
      "--all is given.");
  cmd->add_option("-f,--filename", opts->filename,
                  "path to file to export to, e.g. './config.yml'");
  cmd->add_flag("--all", opts->all, "Include all properties, including tunables");
  OnRun(cmd, ctx, [opts, &ctx] { return RunConfigExport(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
