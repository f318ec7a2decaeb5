// IncrementalAlterConfigs (44): sets, deletes, appends to or subtracts from individual configs.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/incremental_alter_configs_request.h"
#include "broker/protocol/generated/incremental_alter_configs_response.h"

namespace kpk::broker::handlers {

struct IncrementalAlterConfigsHandler
    : HandlerSpec<protocol::IncrementalAlterConfigsRequest,
                  protocol::IncrementalAlterConfigsResponse, 0, 1> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
