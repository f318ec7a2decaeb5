// InitProducerId (22): hands out producer ids and epochs, for idempotent and transactional
// producers; a transactional id's new epoch fences the previous producer instance.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/init_producer_id_request.h"
#include "broker/protocol/generated/init_producer_id_response.h"

namespace kpk::broker::handlers {

struct InitProducerIdHandler
    : HandlerSpec<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse, 0, 5> {
  static Awaitable<Response> Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
