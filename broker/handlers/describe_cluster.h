// DescribeCluster (60): the cluster id, this broker and the controller (also this broker).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_cluster_request.h"
#include "broker/protocol/generated/describe_cluster_response.h"

namespace kpk::broker::handlers {

struct DescribeClusterHandler
    : HandlerSpec<protocol::DescribeClusterRequest, protocol::DescribeClusterResponse, 0, 1> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
