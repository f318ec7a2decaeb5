// kpk cluster txn list: every transactional id in the cluster, its coordinator, producer id and
// state (ListTransactions on every broker), as `rpk cluster txn list`.
#include <memory>

#include "cli/commands/cluster/txn/txn.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {
// Named, since the unity build puts several verbs' files into one translation unit.
namespace txn_list {

int RunList(const std::string& format_flag, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  int failed = 0;
  auto listed = txn::ListAll(*client, failed);
  if (!listed) return Fail("list transactions", listed.error());
  Json doc = Json::array();
  Table table({"coordinator", "transactional-id", "producer-id", "state"});
  for (const txn::Listed& t : *listed) {
    doc.push_back({{"broker", t.coordinator},
                   {"transaction_id", t.txn_id},
                   {"producer_id", t.producer_id},
                   {"state", t.state}});
    table.AddRow({std::to_string(t.coordinator), t.txn_id, std::to_string(t.producer_id), t.state});
  }
  PrintAs(FormatOf(format_flag), doc, table.Render());
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace txn_list
}  // namespace

void RegisterClusterTxnList(CLI::App* txn, Context& ctx) {
  CLI::App* list = txn->add_subcommand("list", "List transactions and their current states");
  list->alias("ls");
  auto format = std::make_shared<std::string>();
  AddFormatFlag(list, format.get());
  OnRun(list, ctx, [format, &ctx] { return txn_list::RunList(*format, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
