// ApiVersions (18): the versions of every API this broker answers, from the handler registry.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/api_versions_request.h"
#include "broker/protocol/generated/api_versions_response.h"
#include "common/bytes.h"

namespace kpk::broker::handlers {

struct ApiVersionsHandler
    : HandlerSpec<protocol::ApiVersionsRequest, protocol::ApiVersionsResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

// The answer to an ApiVersions request above our highest version: UNSUPPORTED_VERSION and the
// API list in a v0 body (to go after a v0 header), which every client can parse and retry from.
Bytes EncodeUnsupportedApiVersionsResponse();

}  // namespace kpk::broker::handlers
