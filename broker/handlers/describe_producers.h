// DescribeProducers (61): the idempotent and transactional producers active on partitions.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_producers_request.h"
#include "broker/protocol/generated/describe_producers_response.h"

namespace kpk::broker::handlers {

struct DescribeProducersHandler
    : HandlerSpec<protocol::DescribeProducersRequest, protocol::DescribeProducersResponse, 0, 0> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
