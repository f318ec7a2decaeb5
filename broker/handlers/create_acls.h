// CreateAcls (30): refused without an authorizer (no_authorizer.h).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/create_acls_request.h"
#include "broker/protocol/generated/create_acls_response.h"

namespace kpk::broker::handlers {

struct CreateAclsHandler
    : HandlerSpec<protocol::CreateAclsRequest, protocol::CreateAclsResponse, 0, 3> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
