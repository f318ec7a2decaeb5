#include "broker/handlers/list_transactions.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "broker/core/broker_state.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {
namespace {

constexpr std::string_view kStates[] = {"Empty",        "Ongoing",        "PrepareCommit",
                                        "PrepareAbort", "CompleteCommit", "CompleteAbort"};

bool Contains(const auto& list, const auto& value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

}  // namespace

ListTransactionsHandler::Response ListTransactionsHandler::Handle(RequestContext& ctx,
                                                                  const Request& request) {
  Response response;
  for (const auto& filter : request.state_filters) {
    if (!Contains(kStates, std::string_view(filter)))
      response.unknown_state_filters.push_back(filter);
  }
  const int64_t now = NowMs();
  for (const transactions::Transaction* txn : ctx.transactions.All()) {
    const std::string state = transactions::TxnStatusName(txn->status);
    if (!request.state_filters.empty() && !Contains(request.state_filters, state)) continue;
    if (!request.producer_id_filters.empty() &&
        !Contains(request.producer_id_filters, txn->producer_id)) {
      continue;
    }
    // v1: only transactions running longer than the duration filter.
    if (request.duration_filter >= 0 && (txn->status != transactions::TxnStatus::kOngoing ||
                                         now - txn->start_ms < request.duration_filter)) {
      continue;
    }
    response.transaction_states.push_back({txn->id, txn->producer_id, state, {}});
  }
  return response;
}

}  // namespace kpk::broker::handlers
