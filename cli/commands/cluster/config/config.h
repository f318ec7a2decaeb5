// `kpk cluster config`: the cluster configuration, as rpk's `cluster config`. Verbs, one per file.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterClusterConfig(CLI::App* cluster, Context& ctx);

void RegisterClusterConfigGet(CLI::App* config, Context& ctx);
void RegisterClusterConfigSet(CLI::App* config, Context& ctx);
void RegisterClusterConfigEdit(CLI::App* config, Context& ctx);
void RegisterClusterConfigExport(CLI::App* config, Context& ctx);
void RegisterClusterConfigImport(CLI::App* config, Context& ctx);
void RegisterClusterConfigStatus(CLI::App* config, Context& ctx);
void RegisterClusterConfigList(CLI::App* config, Context& ctx);

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
