// Metadata (3): brokers (this node, at its advertised address), the controller (this node),
// and topics with their partitions; auto-creates topics when allowed.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/metadata_request.h"
#include "broker/protocol/generated/metadata_response.h"

namespace kpk::broker::handlers {

struct MetadataHandler : HandlerSpec<protocol::MetadataRequest, protocol::MetadataResponse, 0, 12> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
