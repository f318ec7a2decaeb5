// ListOffsets (2): the earliest (-2), latest (-1), max-timestamp (-3) offsets, or the first
// offset at or after a timestamp.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/list_offsets_request.h"
#include "broker/protocol/generated/list_offsets_response.h"

namespace kpk::broker::handlers {

struct ListOffsetsHandler
    : HandlerSpec<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse, 0, 7> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
