#include "cli/commands/version.h"

#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

#include "cli/build_info.h"
#include "cli/runtime.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace commands {
namespace {

// How long `kpk version` waits for the Admin API at most (rpk waits 3 s): the version is
// printed anyway, so a cluster that does not answer must not hold it up.
constexpr std::chrono::milliseconds kClusterWait{2000};

// "  node-N  VERSION" for each live broker, or "" when no Admin API answered in time (the
// cause is a -v line).
std::string ClusterVersions(const Context& ctx) {
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) {
    Debug("unable to load config: {}", loaded.error().message());
    return "";
  }
  ConnectionConfig config = loaded->connection;
  config.dial_timeout = std::min(config.dial_timeout, kClusterWait);
  config.request_timeout_overhead = std::min(config.request_timeout_overhead, kClusterWait);
  Result<Json> brokers = AdminClient(config).GetJson("/v1/brokers");
  if (!brokers || !brokers->is_array()) {
    Debug("unable to request broker info: {}",
          brokers ? std::string("not a list") : brokers.error().message());
    return "";
  }
  std::string lines;
  for (const Json& b : *brokers) {
    if (!b.contains("is_alive")) continue;  // rpk lists the brokers that report liveness
    lines += fmt::format("  node-{}  {}\n", b.value("node_id", int64_t{-1}),
                         b.value("version", std::string("-")));
  }
  return lines;
}

}  // namespace

void RegisterVersion(CLI::App& root, Context& ctx) {
  CLI::App* cmd = root.add_subcommand(
      "version", "Print the kpk version and build commit, and each broker's version");
  OnRun(cmd, ctx, [&ctx] {
    fmt::print("kpk {} (commit {})\n", BuildVersion(), BuildCommit());
    std::fflush(stdout);
    std::string cluster = ClusterVersions(ctx);
    if (!cluster.empty()) fmt::print("\nRedpanda Cluster\n{}", cluster);
    return kExitOk;
  });
}

}  // namespace commands
}  // namespace kpk::cli
