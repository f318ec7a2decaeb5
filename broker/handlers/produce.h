// Produce (0): validates record batches (magic 2, CRC, size, compression), appends them, wakes
// waiting fetches, and for acks=-1 answers only once the data is on disk (group commit).
// acks=0 gets no response at all.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/produce_request.h"
#include "broker/protocol/generated/produce_response.h"

namespace kpk::broker::handlers {

struct ProduceHandler : HandlerSpec<protocol::ProduceRequest, protocol::ProduceResponse, 3, 10> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
  static bool NoResponse(const Request& request) { return request.acks == 0; }
};

}  // namespace kpk::broker::handlers
