// A listener's or advertised address.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kpk::broker {
inline namespace net {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

// Parses "host:port" (also "[v6]:port"). A missing or bad port is an error.
Result<HostPort> ParseHostPort(const std::string& text);

}  // namespace net
}  // namespace kpk::broker
