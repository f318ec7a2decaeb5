// OffsetDelete (47, KIP-496): removes committed offsets of a group, except for topics its
// active members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/offset_delete_request.h"
#include "broker/protocol/generated/offset_delete_response.h"

namespace kpk::broker::handlers {

struct OffsetDeleteHandler
    : HandlerSpec<protocol::OffsetDeleteRequest, protocol::OffsetDeleteResponse, 0, 0> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
