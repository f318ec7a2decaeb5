// Heartbeat (12): keeps a member's session alive and tells it when a rebalance has started
// (REBALANCE_IN_PROGRESS). Only stamps a deadline: cheap enough to never slow a fetch.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/heartbeat_request.h"
#include "broker/protocol/generated/heartbeat_response.h"

namespace kpk::broker::handlers {

struct HeartbeatHandler
    : HandlerSpec<protocol::HeartbeatRequest, protocol::HeartbeatResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
