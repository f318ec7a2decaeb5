// EndTxn (26): commits or aborts a transaction: markers to every partition, then the staged
// offsets.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/end_txn_request.h"
#include "broker/protocol/generated/end_txn_response.h"

namespace kpk::broker::handlers {

struct EndTxnHandler : HandlerSpec<protocol::EndTxnRequest, protocol::EndTxnResponse, 0, 4> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
