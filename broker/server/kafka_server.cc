#include "broker/server/kafka_server.h"

#include <fmt/core.h>

#include "broker/server/broker_state.h"
#include "broker/server/log.h"
#include "broker/server/partition_waiters.h"

namespace kpk::broker {

KafkaServer::KafkaServer(asio::io_context& io, BrokerState& state)
    : io_(io), state_(state), acceptor_(io) {}

Status KafkaServer::Listen(const HostPort& address) {
  asio::error_code ec;
  auto ip = asio::ip::make_address(address.host, ec);
  if (ec) {
    asio::ip::tcp::resolver resolver(io_);
    auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument(fmt::format("cannot resolve {}", address.host));
    }
    ip = results.begin()->endpoint().address();
  }
  asio::ip::tcp::endpoint endpoint(ip, address.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("cannot listen on {}: {}", address.ToString(), ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  return Status::OK();
}

void KafkaServer::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

void KafkaServer::Stop() {
  asio::error_code ec;
  acceptor_.close(ec);
  for (auto& weak : connections_) {
    if (auto c = weak.lock()) c->Close();
  }
  connections_.clear();
  // Parked fetches would otherwise keep the event loop, and so the shutdown, waiting for as
  // long as their clients' max wait (KafkaJS: 5 s; any client may ask for more).
  state_.waiters().CloseAll();
}

Awaitable<void> KafkaServer::AcceptLoop() {
  for (;;) {
    asio::error_code ec;
    asio::ip::tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: keep serving the connections we have.
      KPK_LOG_WARN("accept failed: {}", ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), state_, ConnectionLimits{});
    connections_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
    connections_.push_back(connection);
    connection->Start();
  }
}

}  // namespace kpk::broker
