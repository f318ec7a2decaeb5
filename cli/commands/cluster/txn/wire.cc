// What the txn verbs share: listing every broker's transactions and rpk's text for times and
// errors.
#include <algorithm>

#include <fmt/core.h>

#include "broker/protocol/generated/error_code.h"
#include "broker/protocol/generated/list_transactions_request.h"
#include "broker/protocol/generated/list_transactions_response.h"
#include "cli/client/wire_request.h"
#include "cli/commands/cluster/txn/txn.h"
#include "cli/format/output.h"
#include "cli/format/time_format.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace txn {

using protocol::ListTransactionsRequest;
using protocol::ListTransactionsResponse;

// v0: Kafka 3.0+ and Redpanda; v1 only adds a duration filter kpk does not offer.
constexpr int16_t kListTransactionsVersion = 0;

std::string ErrorText(int16_t code) {
  auto ec = static_cast<protocol::ErrorCode>(code);
  return fmt::format("{}: {}", protocol::ErrorCodeName(ec), protocol::ErrorCodeMessage(ec));
}

std::string Timestamp(int64_t ms) {
  std::string out;
  AppendGoTime(out, "2006-01-02T15:04:05.999Z07:00", ms);
  return out;
}

Result<std::vector<Listed>> ListAll(client::Client& client, int& failed) {
  std::vector<Listed> listed;
  auto md = client.Metadata(/*topics_too=*/false);
  if (!md) return Err(md.error());
  for (const client::BrokerInfo& b : md->brokers) {
    auto response = WireCall<ListTransactionsRequest, ListTransactionsResponse>(
        client.config(), b.host, b.port, ListTransactionsRequest{}, kListTransactionsVersion,
        client.timeout());
    if (!response || response->error_code != 0) {
      WriteStderr(
          fmt::format("ListTransactions on broker {} failed: {}", b.id,
                      response ? ErrorText(response->error_code) : response.error().message()));
      ++failed;
      continue;
    }
    for (const auto& t : response->transaction_states) {
      listed.push_back({b.id, t.transactional_id, t.producer_id, t.transaction_state});
    }
  }
  std::sort(listed.begin(), listed.end(),
            [](const Listed& a, const Listed& b) { return a.txn_id < b.txn_id; });
  return listed;
}

}  // namespace txn
}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
