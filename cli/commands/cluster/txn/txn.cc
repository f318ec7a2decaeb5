#include "cli/commands/cluster/txn/txn.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterClusterTxn(CLI::App* cluster, Context& ctx) {
  CLI::App* txn =
      cluster->add_subcommand("txn", "Information about transactions and transactional producers");
  txn->alias("transaction");
  txn->footer(
      "States: Empty (no transaction running), Ongoing, PrepareCommit, PrepareAbort,\n"
      "CompleteCommit, CompleteAbort, PrepareEpochFence (timing out), Dead (expired).\n"
      "The producer epoch counts how often the transactional id was initialized or fenced.");
  txn->require_subcommand(0, 1);
  RegisterClusterTxnDescribe(txn, ctx);
  RegisterClusterTxnDescribeProducers(txn, ctx);
  RegisterClusterTxnList(txn, ctx);
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
