// DescribeTransactions (65): the state of transactional ids.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_transactions_request.h"
#include "broker/protocol/generated/describe_transactions_response.h"

namespace kpk::broker::handlers {

struct DescribeTransactionsHandler : HandlerSpec<protocol::DescribeTransactionsRequest,
                                                 protocol::DescribeTransactionsResponse, 0, 0> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
