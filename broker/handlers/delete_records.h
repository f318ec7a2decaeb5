// DeleteRecords (21): moves partitions' log start offsets forward (-1: to the high watermark).
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/delete_records_request.h"
#include "broker/protocol/generated/delete_records_response.h"

namespace kpk::broker::handlers {

struct DeleteRecordsHandler
    : HandlerSpec<protocol::DeleteRecordsRequest, protocol::DeleteRecordsResponse, 0, 2> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
