// OffsetCommit (8): stores a group's consumed positions durably (answered after the fsync).
// Members must name the current generation (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// REBALANCE_IN_PROGRESS otherwise); generation -1 with no member id is a "simple" commit,
// allowed while the group has no members. v6+ stores the leader epoch.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/offset_commit_request.h"
#include "broker/protocol/generated/offset_commit_response.h"

namespace kpk::broker::handlers {

struct OffsetCommitHandler
    : HandlerSpec<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse, 0, 8> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
