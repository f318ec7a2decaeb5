// AlterConfigs (33): replaces a topic's (or the broker's) whole set of config overrides.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/alter_configs_request.h"
#include "broker/protocol/generated/alter_configs_response.h"

namespace kpk::broker::handlers {

struct AlterConfigsHandler
    : HandlerSpec<protocol::AlterConfigsRequest, protocol::AlterConfigsResponse, 0, 2> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
