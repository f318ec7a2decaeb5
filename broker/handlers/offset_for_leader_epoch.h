// OffsetForLeaderEpoch (23): the end offset of a leader epoch. This node is the only leader
// there has ever been, at epoch 0, so epoch 0 ends at the log end.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/offset_for_leader_epoch_request.h"
#include "broker/protocol/generated/offset_for_leader_epoch_response.h"

namespace kpk::broker::handlers {

struct OffsetForLeaderEpochHandler : HandlerSpec<protocol::OffsetForLeaderEpochRequest,
                                                 protocol::OffsetForLeaderEpochResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
