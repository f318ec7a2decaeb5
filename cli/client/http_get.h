// GET over plain HTTP/1.1, enough to ask a broker's Admin API whether it is ready or to read
// its metrics.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace client {

// The status code of `GET http://host:port/path`; the body is not read. Bounded by `timeout`.
Result<int> HttpGetStatus(const std::string& host, int port, std::string_view path,
                          std::chrono::milliseconds timeout);

struct HttpReply {
  int status = 0;
  std::string body;
};

// `GET http://host:port/path` with its whole body (Content-Length or until the server closes;
// chunked bodies are not supported). Bounded by `timeout` and by kMaxHttpBodyBytes.
inline constexpr size_t kMaxHttpBodyBytes = 64 << 20;
Result<HttpReply> HttpGet(const std::string& host, int port, std::string_view path,
                          std::chrono::milliseconds timeout);

}  // namespace client
}  // namespace kpk::cli
