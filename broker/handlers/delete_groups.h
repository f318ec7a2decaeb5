// DeleteGroups (42): removes empty groups and their offsets, durably. NON_EMPTY_GROUP while a
// group has members, GROUP_ID_NOT_FOUND for one that does not exist.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/delete_groups_request.h"
#include "broker/protocol/generated/delete_groups_response.h"

namespace kpk::broker::handlers {

struct DeleteGroupsHandler
    : HandlerSpec<protocol::DeleteGroupsRequest, protocol::DeleteGroupsResponse, 0, 2> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
