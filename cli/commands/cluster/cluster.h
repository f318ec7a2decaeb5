// `kpk cluster`: cluster-wide information over the Kafka API.
#pragma once

#include "cli/command.h"

namespace kpk::cli::inline commands::inline cluster {

void RegisterCluster(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterClusterInfo(CLI::App* cluster, Context& ctx);
void RegisterClusterLogdirs(CLI::App* cluster, Context& ctx);

}  // namespace kpk::cli::commands::cluster
