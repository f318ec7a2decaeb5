// `kpk cluster`: cluster-wide information over the Kafka API and the Admin API.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterCluster(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterClusterHealth(CLI::App* cluster, Context& ctx);
void RegisterClusterInfo(CLI::App* cluster, Context& ctx);
void RegisterClusterLogdirs(CLI::App* cluster, Context& ctx);
void RegisterClusterBrokersList(CLI::App* brokers, Context& ctx);
void RegisterClusterPartitionsList(CLI::App* partitions, Context& ctx);
void RegisterClusterLoggersList(CLI::App* loggers, Context& ctx);
void RegisterClusterLoggersSet(CLI::App* loggers, Context& ctx);

// Shared with `kpk redpanda admin`, rpk's older spellings of the same commands.
enum class BrokersColumns { kRpk, kLegacy };
int RunBrokersList(const Context& ctx, BrokersColumns columns, const std::string& format_flag);
struct LogLevelChange {
  std::vector<std::string> loggers;
  std::string level = "debug";
  int expiry_seconds = 300;
  std::string host;  // empty: every Admin API host
};
void AddLogLevelFlags(CLI::App* cmd, LogLevelChange& change);
int RunSetLogLevel(const Context& ctx, const LogLevelChange& change);

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
