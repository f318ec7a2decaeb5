#include "broker/server/kafka_server.h"

#include "broker/server/broker_state.h"
#include "broker/server/listen.h"
#include "broker/server/partition_waiters.h"

namespace kpk::broker {

KafkaServer::KafkaServer(asio::io_context& io, BrokerState& state)
    : io_(io), state_(state), acceptor_(io) {}

Status KafkaServer::Listen(const HostPort& address) {
  if (Status st = ListenOn(acceptor_, address); !st.ok()) return st;
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
  while (std::optional<asio::ip::tcp::socket> socket =
             co_await AcceptNext(acceptor_, "Kafka API")) {
    auto connection = std::make_shared<Connection>(std::move(*socket), state_, ConnectionLimits{});
    connections_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
    connections_.push_back(connection);
    connection->Start();
  }
}

}  // namespace kpk::broker
