// JoinGroup (11): joins a member to a group and parks the request until the rebalance it
// starts (or joins) completes. MEMBER_ID_REQUIRED only from v4 (KIP-394); static members
// (group.instance.id) from v5.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/join_group_request.h"
#include "broker/protocol/generated/join_group_response.h"

namespace kpk::broker::handlers {

struct JoinGroupHandler
    : HandlerSpec<protocol::JoinGroupRequest, protocol::JoinGroupResponse, 0, 9> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
