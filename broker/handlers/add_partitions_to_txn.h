// AddPartitionsToTxn (24): adds partitions to a producer's ongoing transaction.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/add_partitions_to_txn_request.h"
#include "broker/protocol/generated/add_partitions_to_txn_response.h"

namespace kpk::broker::handlers {

struct AddPartitionsToTxnHandler
    : HandlerSpec<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse, 0, 3> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
