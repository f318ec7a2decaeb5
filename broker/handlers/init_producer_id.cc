#include "broker/handlers/init_producer_id.h"

#include "broker/core/broker_state.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {

Awaitable<InitProducerIdHandler::Response> InitProducerIdHandler::Handle(RequestContext& ctx,
                                                                         const Request& request) {
  transactions::ProducerIdAndEpoch result = co_await ctx.transactions.InitProducerId(
      request.transactional_id, request.transaction_timeout_ms, request.producer_id,
      request.producer_epoch, /*fenced_error=*/ctx.version >= 4);
  Response response;
  response.error_code = ToInt(result.error);
  response.producer_id = result.producer_id;
  response.producer_epoch = result.epoch;
  co_return response;
}

}  // namespace kpk::broker::handlers
