// CreatePartitions (37): grows topics to a new partition count.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/create_partitions_request.h"
#include "broker/protocol/generated/create_partitions_response.h"

namespace kpk::broker::handlers {

struct CreatePartitionsHandler
    : HandlerSpec<protocol::CreatePartitionsRequest, protocol::CreatePartitionsResponse, 0, 3> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
