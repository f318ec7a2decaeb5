// GET over plain HTTP/1.1, enough to ask a broker's Admin API whether it is ready.
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

struct HttpAnswer {
  int status = 0;
  std::string body;
};
// `GET http://host:port/path` with its body (read to the end of the connection, at most
// kMaxHttpBody bytes). Bounded by `timeout` for the whole exchange.
inline constexpr size_t kMaxHttpBody = 16u << 20;
Result<HttpAnswer> HttpGet(const std::string& host, int port, std::string_view path,
                           std::chrono::milliseconds timeout);

}  // namespace client
}  // namespace kpk::cli
