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

}  // namespace client
}  // namespace kpk::cli
