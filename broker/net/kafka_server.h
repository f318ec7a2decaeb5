// The Kafka listener: accepts connections and hands each to a Connection.
#pragma once

#include <list>
#include <memory>

#include "broker/net/asio.h"
#include "broker/net/connection.h"
#include "broker/net/host_port.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace net {

class KafkaServer {
 public:
  KafkaServer(asio::io_context& io, RequestHandler& handler, BrokerMetrics& metrics);

  // Binds and listens; the port is known afterwards (useful with port 0).
  Status Listen(const HostPort& address);
  uint16_t port() const { return port_; }
  void Start();
  // Stops accepting and closes every connection.
  void Stop();

 private:
  Awaitable<void> AcceptLoop();

  asio::io_context& io_;
  RequestHandler& handler_;
  BrokerMetrics& metrics_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::list<std::weak_ptr<Connection>> connections_;
};

}  // namespace net
}  // namespace kpk::broker
