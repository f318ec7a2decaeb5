// `kpk cluster`: cluster-wide information over the Kafka API.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterCluster(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterClusterHealth(CLI::App* cluster, Context& ctx);
void RegisterClusterInfo(CLI::App* cluster, Context& ctx);
void RegisterClusterLogdirs(CLI::App* cluster, Context& ctx);

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
