// SyncGroup (14): the leader hands in the assignment; every member's request is parked until
// it arrives and then answered with that member's share.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/sync_group_request.h"
#include "broker/protocol/generated/sync_group_response.h"

namespace kpk::broker::handlers {

struct SyncGroupHandler
    : HandlerSpec<protocol::SyncGroupRequest, protocol::SyncGroupResponse, 0, 5> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
