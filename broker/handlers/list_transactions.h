// ListTransactions (66): transactional ids, filtered by state, producer id and age.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/list_transactions_request.h"
#include "broker/protocol/generated/list_transactions_response.h"

namespace kpk::broker::handlers {

struct ListTransactionsHandler
    : HandlerSpec<protocol::ListTransactionsRequest, protocol::ListTransactionsResponse, 0, 1> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
