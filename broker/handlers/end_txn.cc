#include "broker/handlers/end_txn.h"

#include "broker/core/broker_state.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {

Awaitable<EndTxnHandler::Response> EndTxnHandler::Handle(RequestContext& ctx,
                                                         const Request& request) {
  Response response;
  response.error_code = ToInt(co_await ctx.transactions.EndTxn(
      request.transactional_id, request.producer_id, request.producer_epoch, request.committed,
      /*fenced_error=*/ctx.version >= 2));
  co_return response;
}

}  // namespace kpk::broker::handlers
