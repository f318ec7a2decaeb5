// kpk cluster logdirs describe: placeholder until DescribeLogDirs is wired.
#include "cli/commands/cluster/cluster.h"
#include "cli/runtime.h"

namespace kpk::cli {

void RegisterClusterLogdirs(CLI::App* cluster, Context& ctx) {
  CLI::App* logdirs = cluster->add_subcommand("logdirs", "Describe log directories on brokers");
  logdirs->require_subcommand(1);
  CLI::App* describe = logdirs->add_subcommand("describe", "Describe log directories");
  OnRun(describe, ctx, [] { return Fail("describe log dirs", "not implemented yet"); });
}

}  // namespace kpk::cli
