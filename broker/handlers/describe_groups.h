// DescribeGroups (15): state, protocol type and name, and members with their client id, host,
// subscription metadata and assignment. A group that does not exist is reported as Dead with
// no error, as Kafka does.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_groups_request.h"
#include "broker/protocol/generated/describe_groups_response.h"

namespace kpk::broker::handlers {

struct DescribeGroupsHandler
    : HandlerSpec<protocol::DescribeGroupsRequest, protocol::DescribeGroupsResponse, 0, 5> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
