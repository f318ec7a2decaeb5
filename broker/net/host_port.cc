#include "broker/net/host_port.h"

#include <charconv>

#include <fmt/core.h>

namespace kpk::broker {
inline namespace net {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<HostPort> ParseHostPort(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return Err(Status::InvalidArgument(fmt::format("'{}' is not host:port", text)));
  }
  HostPort hp;
  hp.host = text.substr(0, colon);
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  if (hp.host.empty()) hp.host = "0.0.0.0";
  unsigned port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port > 65535) {
    return Err(Status::InvalidArgument(fmt::format("'{}' has a bad port", text)));
  }
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

}  // namespace net
}  // namespace kpk::broker
