#include "broker/server/broker.h"

#include <future>

#include "broker/admin/admin_server.h"
#include "broker/server/asio.h"
#include "broker/server/broker_state.h"
#include "broker/server/kafka_server.h"
#include "broker/server/log.h"

namespace kpk::broker {

struct Broker::Impl {
  explicit Impl(BrokerConfig config)
      : state(std::move(config)),
        kafka(io, state),
        admin(state.config(), state.metrics(),
              [this](std::function<std::string()> fn) { return RunOnLoop(std::move(fn)); }),
        signals(io, SIGINT, SIGTERM) {}

  std::string RunOnLoop(std::function<std::string()> fn) {
    std::promise<std::string> result;
    auto future = result.get_future();
    asio::post(io, [&] { result.set_value(fn()); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return "";
    return future.get();
  }

  void Shutdown() {
    if (stopping) return;
    stopping = true;
    KPK_LOG_INFO("shutting down");
    admin.SetReady(false);
    kafka.Stop();
    signals.cancel();
  }

  asio::io_context io{1};
  BrokerState state;
  KafkaServer kafka;
  AdminServer admin;
  asio::signal_set signals;
  bool stopping = false;
};

Broker::Broker(BrokerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Broker::~Broker() { impl_->admin.Stop(); }

Status Broker::Start() {
  const BrokerConfig& config = impl_->state.config();
  if (config.developer_mode) {
    KPK_LOG_WARN("developer_mode: acknowledged writes are NOT fsynced; a crash may lose them");
  }
  if (Status s = impl_->kafka.Listen(config.kafka_api); !s.ok()) return s;
  if (Status s = impl_->admin.Listen(config.admin); !s.ok()) return s;
  BrokerConfig& bound = impl_->state.mutable_config();
  bound.kafka_api.port = impl_->kafka.port();
  bound.admin.port = impl_->admin.port();
  impl_->kafka.Start();
  impl_->admin.Start();
  impl_->signals.async_wait([this](const asio::error_code& ec, int signal) {
    if (ec) return;
    KPK_LOG_INFO("received signal {}", signal);
    impl_->Shutdown();
  });
  return Status::OK();
}

void Broker::Run() {
  const BrokerConfig& config = impl_->state.config();
  KPK_LOG_INFO("kpk broker node {} serving Kafka on {} (advertised {}), admin on {}:{}",
               config.node_id, HostPort{config.kafka_api.host, kafka_port()}.ToString(),
               config.Advertised().ToString(), config.admin.host, admin_port());
  asio::post(impl_->io, [this] { impl_->admin.SetReady(true); });
  impl_->io.run();
  impl_->admin.Stop();
  KPK_LOG_INFO("stopped");
}

void Broker::Stop() {
  asio::post(impl_->io, [this] { impl_->Shutdown(); });
}

uint16_t Broker::kafka_port() const { return impl_->kafka.port(); }
uint16_t Broker::admin_port() const { return impl_->admin.port(); }

}  // namespace kpk::broker
