// kpk redpanda admin brokers list: old rpk's spelling and columns
// (NODE-ID NUM-CORES MEMBERSHIP-STATUS IS-ALIVE BROKER-VERSION).
#include "cli/commands/cluster/cluster.h"
#include "cli/commands/redpanda/redpanda.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace redpanda {

void RegisterAdminBrokersList(CLI::App* brokers, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* list = brokers->add_subcommand("list", "List the brokers in your cluster");
  list->alias("ls");
  AddFormatFlag(list, format.get());
  OnRun(list, ctx,
        [&ctx, format] { return RunBrokersList(ctx, BrokersColumns::kLegacy, *format); });
}

}  // namespace redpanda
}  // namespace commands
}  // namespace kpk::cli
