// OffsetFetch (9): a group's committed offsets (-1 where none). Null topics (v2+) means every
// partition the group has committed; v5+ returns the leader epoch; v7 require_stable answers
// UNSTABLE_OFFSET_COMMIT while a transaction holds offsets; v8 asks for several groups.
// KafkaJS implements only v1-4 and takes min(its max, ours), so the range must include them.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/offset_fetch_request.h"
#include "broker/protocol/generated/offset_fetch_response.h"

namespace kpk::broker::handlers {

struct OffsetFetchHandler
    : HandlerSpec<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse, 0, 8> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
