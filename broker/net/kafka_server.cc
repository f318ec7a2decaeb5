#include "broker/net/kafka_server.h"

#include "broker/net/listen.h"

namespace kpk::broker {
inline namespace net {

KafkaServer::KafkaServer(asio::io_context& io, RequestHandler& handler, BrokerMetrics& metrics)
    : io_(io), handler_(handler), metrics_(metrics), acceptor_(io) {}

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
}

Awaitable<void> KafkaServer::AcceptLoop() {
  while (std::optional<asio::ip::tcp::socket> socket =
             co_await AcceptNext(acceptor_, "Kafka API")) {
    auto connection =
        std::make_shared<Connection>(std::move(*socket), handler_, metrics_, ConnectionLimits{});
    connections_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
    connections_.push_back(connection);
    connection->Start();
  }
}

}  // namespace net
}  // namespace kpk::broker
