#include "cli/commands/cluster/config/config.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterClusterConfig(CLI::App* cluster, Context& ctx) {
  CLI::App* config =
      cluster->add_subcommand("config", "Interact with cluster configuration properties");
  config->footer(
      "Cluster properties apply to every broker of the cluster. They are read and written\n"
      "through the Admin API; against a cluster without it (Apache Kafka) the verbs use the\n"
      "Kafka protocol on the cluster-wide dynamic broker configs, where the names correspond.");
  config->require_subcommand(1);
  RegisterClusterConfigEdit(config, ctx);
  RegisterClusterConfigExport(config, ctx);
  RegisterClusterConfigGet(config, ctx);
  RegisterClusterConfigImport(config, ctx);
  RegisterClusterConfigList(config, ctx);
  RegisterClusterConfigSet(config, ctx);
  RegisterClusterConfigStatus(config, ctx);
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
