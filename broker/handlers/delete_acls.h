// DeleteAcls (31): refused without an authorizer (no_authorizer.h).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/delete_acls_request.h"
#include "broker/protocol/generated/delete_acls_response.h"

namespace kpk::broker::handlers {

struct DeleteAclsHandler
    : HandlerSpec<protocol::DeleteAclsRequest, protocol::DeleteAclsResponse, 0, 3> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
