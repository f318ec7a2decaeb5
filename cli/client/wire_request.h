// One Kafka request and its response over a plain TCP connection, encoded with kpk's own codec.
// For what librdkafka 2.0 has no call for (DescribeLogDirs; Metadata v7's leader epochs and
// offline replicas); everything else goes through librdkafka. TLS and SASL are not spoken here:
// callers refuse such connections.
#pragma once

#include <chrono>
#include <string>

#include "broker/protocol/generated/api_keys.h"
#include "common/bytes.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

// kpk's own codec, for requests librdkafka does not make.
namespace protocol = ::kpk::broker::protocol;

// Sends one request body (header added here) and returns the response body (header removed,
// correlation id checked). Every step is bounded by `timeout`.
Result<Bytes> WireRoundTrip(const std::string& host, int port, int16_t api_key, int16_t version,
                            const Bytes& body, std::chrono::milliseconds timeout);

template <class Request, class Response>
Result<Response> WireCall(const std::string& host, int port, const Request& request,
                          int16_t version, std::chrono::milliseconds timeout) {
  ByteWriter w;
  request.Encode(w, version);
  auto body = WireRoundTrip(host, port, Request::kApiKey, version, w.Take(), timeout);
  if (!body) return Err(body.error());
  ByteReader r(*body);
  Response response;
  if (!response.Decode(r, version)) {
    return Err(Status::Corruption(std::string("malformed ") + Response::kName));
  }
  return response;
}

}  // namespace client
}  // namespace kpk::cli
