// CreateTopics (19): validates and creates topics (or only validates, with validate_only).
// Replication factor 1 is the only one a single node can honour.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/create_topics_request.h"
#include "broker/protocol/generated/create_topics_response.h"

namespace kpk::broker::handlers {

struct CreateTopicsHandler
    : HandlerSpec<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse, 0, 7> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
