// `kpk cluster txn`: transactions and transactional producers, as rpk's `cluster txn`. Librdkafka
// 2.0 has no admin calls for these APIs, so the verbs send kpk's own wire requests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/client/kafka_client.h"
#include "cli/command.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

void RegisterClusterTxn(CLI::App* cluster, Context& ctx);

// Verbs, one per file.
void RegisterClusterTxnList(CLI::App* txn, Context& ctx);
void RegisterClusterTxnDescribe(CLI::App* txn, Context& ctx);
void RegisterClusterTxnDescribeProducers(CLI::App* txn, Context& ctx);

// Shared by the verbs (wire.cc).
namespace txn {

// One transactional id as ListTransactions reports it.
struct Listed {
  int32_t coordinator = -1;
  std::string txn_id;
  int64_t producer_id = -1;
  std::string state;
};

// ListTransactions on every broker (each coordinates its own ids), sorted by id. Brokers that
// fail are reported on stderr and counted in `failed`; no brokers at all is an error.
Result<std::vector<Listed>> ListAll(client::Client& client, int& failed);

// rpk's timestamp layout: milliseconds trimmed of trailing zeros, UTC.
std::string Timestamp(int64_t ms);

// A broker's error code as rpk prints it: "NAME: description".
std::string ErrorText(int16_t code);

}  // namespace txn

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
