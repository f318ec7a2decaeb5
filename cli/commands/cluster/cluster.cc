#include "cli/commands/cluster/cluster.h"

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/txn/txn.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterCluster(CLI::App& root, Context& ctx) {
  CLI::App* cluster = root.add_subcommand("cluster", "Interact with a Redpanda or Kafka cluster");
  cluster->require_subcommand(0, 1);
  RegisterClusterHealth(cluster, ctx);
  RegisterClusterInfo(cluster, ctx);
  RegisterClusterLogdirs(cluster, ctx);
  RegisterClusterConfig(cluster, ctx);
  RegisterClusterTxn(cluster, ctx);
  CLI::App* brokers = cluster->add_subcommand("brokers", "Manage the brokers in your cluster");
  brokers->require_subcommand(0, 1);
  RegisterClusterBrokersList(brokers, ctx);
  CLI::App* partitions = cluster->add_subcommand("partitions", "Manage cluster partitions");
  partitions->alias("partition");
  partitions->require_subcommand(0, 1);
  RegisterClusterPartitionsList(partitions, ctx);
  CLI::App* loggers = cluster->add_subcommand("loggers", "Manage the brokers' log levels");
  loggers->require_subcommand(0, 1);
  RegisterClusterLoggersList(loggers, ctx);
  RegisterClusterLoggersSet(loggers, ctx);
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
