// Fetch (1): whole record batches from each requested partition, waiting up to max_wait_ms for
// min_bytes; an append to any of the partitions wakes the wait at once. No fetch sessions:
// every response has session id 0, so clients send full requests.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/fetch_request.h"
#include "broker/protocol/generated/fetch_response.h"

namespace kpk::broker::handlers {

struct FetchHandler : HandlerSpec<protocol::FetchRequest, protocol::FetchResponse, 4, 12> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
