#include "cli/commands/cluster/cluster.h"

#include "cli/commands/cluster/config/config.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterCluster(CLI::App& root, Context& ctx) {
  CLI::App* cluster = root.add_subcommand("cluster", "Interact with a Redpanda or Kafka cluster");
  cluster->require_subcommand(0, 1);
  RegisterClusterInfo(cluster, ctx);
  RegisterClusterLogdirs(cluster, ctx);
  RegisterClusterConfig(cluster, ctx);
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
