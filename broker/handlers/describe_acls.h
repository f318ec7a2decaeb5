// DescribeAcls (29): there are no ACLs to list without an authorizer (no_authorizer.h).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_acls_request.h"
#include "broker/protocol/generated/describe_acls_response.h"

namespace kpk::broker::handlers {

struct DescribeAclsHandler
    : HandlerSpec<protocol::DescribeAclsRequest, protocol::DescribeAclsResponse, 0, 3> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
