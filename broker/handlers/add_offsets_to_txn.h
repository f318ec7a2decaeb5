// AddOffsetsToTxn (25): adds a consumer group's offsets to a producer's ongoing transaction.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/add_offsets_to_txn_request.h"
#include "broker/protocol/generated/add_offsets_to_txn_response.h"

namespace kpk::broker::handlers {

struct AddOffsetsToTxnHandler
    : HandlerSpec<protocol::AddOffsetsToTxnRequest, protocol::AddOffsetsToTxnResponse, 0, 4> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
