// Opening a listening socket for a configured address, shared by the Kafka and Admin listeners.
#pragma once

#include "broker/server/asio.h"
#include "broker/server/broker_config.h"
#include "common/status.h"

namespace kpk::broker {

// Resolves `address` (an IP or a host name), then opens, binds and listens on `acceptor`.
// Port 0 binds any free port; read it from acceptor.local_endpoint() afterwards.
Status ListenOn(asio::ip::tcp::acceptor& acceptor, const HostPort& address);

}  // namespace kpk::broker
