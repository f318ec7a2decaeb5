// Opening a listening socket for a configured address, shared by the Kafka and Admin listeners.
#pragma once

#include <optional>
#include <string_view>

#include "broker/net/asio.h"
#include "broker/net/host_port.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace net {

// Resolves `address` (an IP or a host name), then opens, binds and listens on `acceptor`.
// Port 0 binds any free port; read it from acceptor.local_endpoint() afterwards.
Status ListenOn(asio::ip::tcp::acceptor& acceptor, const HostPort& address);

// The next accepted connection, or nothing once the acceptor is closed. Failures such as running
// out of file descriptors are logged (as `listener`'s) and retried after a pause, so the
// connections already open keep being served.
Awaitable<std::optional<asio::ip::tcp::socket>> AcceptNext(asio::ip::tcp::acceptor& acceptor,
                                                           std::string_view listener);

}  // namespace net
}  // namespace kpk::broker
