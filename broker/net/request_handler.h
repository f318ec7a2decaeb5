// What a connection serves. The network layer knows framing, ordering and back-pressure; what
// a request means is behind this interface, so net/ does not depend on the Kafka handlers.
#pragma once

#include <cstdint>
#include <string>

#include "broker/net/asio.h"
#include "broker/net/response.h"
#include "broker/protocol/generated/request_header.h"
#include "common/bytes.h"

namespace kpk::broker {
inline namespace net {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Whether requests of this API key and version are served; others close the connection,
  // as Kafka does, except ApiVersions (below).
  virtual bool Serves(int16_t api_key, int16_t version) const = 0;
  // The body answering an ApiVersions request of a version not served: a v0 response saying
  // UNSUPPORTED_VERSION, with the versions served, so the client retries with one of them.
  virtual Bytes UnsupportedApiVersionsResponse() const = 0;
  // `body` is the request after its header; `peer` the client's address.
  virtual Awaitable<HandlerOutcome> Handle(const protocol::RequestHeader& header, int16_t version,
                                           ByteReader& body, const std::string& peer) = 0;
};

}  // namespace net
}  // namespace kpk::broker
