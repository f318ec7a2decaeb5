#include "broker/handlers/describe_transactions.h"

#include <map>

#include "broker/core/broker_state.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {

DescribeTransactionsHandler::Response DescribeTransactionsHandler::Handle(RequestContext& ctx,
                                                                          const Request& request) {
  Response response;
  for (const auto& id : request.transactional_ids) {
    auto& r = response.transaction_states.emplace_back();
    r.transactional_id = id;
    const transactions::Transaction* txn = ctx.transactions.Find(id);
    if (!txn) {
      r.error_code = ToInt(ErrorCode::kTransactionalIdNotFound);
      continue;
    }
    r.transaction_state = transactions::TxnStatusName(txn->status);
    r.transaction_timeout_ms = txn->timeout_ms;
    r.transaction_start_time_ms = txn->start_ms;
    r.producer_id = txn->producer_id;
    r.producer_epoch = txn->epoch;
    std::map<std::string, std::vector<int32_t>> by_topic;
    for (const auto& tp : txn->partitions) by_topic[tp.topic].push_back(tp.partition);
    for (auto& [topic, partitions] : by_topic) r.topics.push_back({topic, partitions, {}});
  }
  return response;
}

}  // namespace kpk::broker::handlers
