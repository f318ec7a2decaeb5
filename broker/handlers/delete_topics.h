// DeleteTopics (20): removes topics and their data, by name (v0+) or by topic id (v6).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/delete_topics_request.h"
#include "broker/protocol/generated/delete_topics_response.h"

namespace kpk::broker::handlers {

struct DeleteTopicsHandler
    : HandlerSpec<protocol::DeleteTopicsRequest, protocol::DeleteTopicsResponse, 0, 6> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
