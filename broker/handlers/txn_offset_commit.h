// TxnOffsetCommit (28): stages consumer offsets to be committed with a transaction.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/txn_offset_commit_request.h"
#include "broker/protocol/generated/txn_offset_commit_response.h"

namespace kpk::broker::handlers {

struct TxnOffsetCommitHandler
    : HandlerSpec<protocol::TxnOffsetCommitRequest, protocol::TxnOffsetCommitResponse, 0, 4> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
