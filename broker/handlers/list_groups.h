// ListGroups (16): every group with its protocol type, and from v4 its state (with an
// optional filter on states).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/list_groups_request.h"
#include "broker/protocol/generated/list_groups_response.h"

namespace kpk::broker::handlers {

struct ListGroupsHandler
    : HandlerSpec<protocol::ListGroupsRequest, protocol::ListGroupsResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
