// LeaveGroup (13): members leave at once instead of waiting for their sessions to expire,
// which starts a rebalance for the rest. v3+ carries a batch of (member id, instance id).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/leave_group_request.h"
#include "broker/protocol/generated/leave_group_response.h"

namespace kpk::broker::handlers {

struct LeaveGroupHandler
    : HandlerSpec<protocol::LeaveGroupRequest, protocol::LeaveGroupResponse, 0, 5> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
