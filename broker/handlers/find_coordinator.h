// FindCoordinator (10): this broker coordinates every group and every transactional id.
// v4+ batches keys (coordinator_keys) and answers one entry per key.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/find_coordinator_request.h"
#include "broker/protocol/generated/find_coordinator_response.h"

namespace kpk::broker::handlers {

struct FindCoordinatorHandler
    : HandlerSpec<protocol::FindCoordinatorRequest, protocol::FindCoordinatorResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
