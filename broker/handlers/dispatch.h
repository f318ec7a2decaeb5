// Runs the handler for a request whose header has been decoded.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/server/asio.h"
#include "common/bytes.h"

namespace kpk::broker {

struct HandlerOutcome {
  enum class Kind {
    kRespond,     // `body` holds the encoded response body
    kNoResponse,  // the request gets no answer (Produce acks=0)
    kMalformed,   // the body did not decode: the connection is closed
  };
  Kind kind = Kind::kRespond;
  Bytes body;
};

// The API and version must be supported (see FindSupportedApi); `body` is the request after
// its header.
Awaitable<HandlerOutcome> Dispatch(RequestContext& ctx, ByteReader& body);

}  // namespace kpk::broker
