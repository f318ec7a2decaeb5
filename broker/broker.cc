#include "broker/broker.h"

#include <malloc.h>

#include <future>

#include "broker/admin/admin_server.h"
#include "broker/core/broker_state.h"
#include "broker/core/partition_waiters.h"
#include "broker/groups/coordinator.h"
#include "broker/handlers/kafka_apis.h"
#include "broker/metrics_source.h"
#include "broker/net/asio.h"
#include "broker/net/kafka_server.h"
#include "broker/transactions/producer_states.h"
#include "broker/transactions/txn_coordinator.h"
#include "common/log.h"

namespace kpk::broker {

struct Broker::Impl {
  explicit Impl(BrokerConfig config)
      : state(std::move(config), io),
        groups(io, state.config().cluster, GroupOptions(state.config())),
        transactions(state, producers),
        apis({state, groups, producers, transactions}),
        kafka(io, apis, state.metrics()),
        admin(state.config(), state.metrics(),
              [this](std::function<std::string()> fn) { return RunOnLoop(std::move(fn)); }),
        signals(io, SIGINT, SIGTERM),
        retention_timer(io) {}

  static groups::CoordinatorOptions GroupOptions(const BrokerConfig& config) {
    groups::CoordinatorOptions options;
    options.data_dir = config.data_directory;
    options.sync = !config.developer_mode;
    options.warn = [](std::string_view line) { KPK_LOG_WARN("{}", line); };
    return options;
  }

  // Storage first, then the coordinators that keep their state beside it.
  Status Open() {
    if (Status s = state.Open(); !s.ok()) return s;
    if (Status s = groups.Open(); !s.ok()) return s;
    transactions.SetOffsetCommitter(
        [this](const std::string& group,
               const std::map<transactions::TopicPartition, transactions::StagedOffset>& staged)
            -> Awaitable<protocol::ErrorCode> {
          std::vector<groups::OffsetToCommit> offsets;
          for (const auto& [tp, o] : staged) {
            offsets.push_back({tp, {o.offset, o.leader_epoch, o.metadata.value_or(""), NowMs()}});
          }
          co_return co_await groups.ApplyOffsets(group, std::move(offsets));
        });
    return transactions.Open();
  }

  Status Close() {
    groups.Close();
    transactions.Stop();
    return state.Close();
  }

  // For the admin thread: runs `fn` on the event loop and waits for its answer.
  std::string RunOnLoop(std::function<std::string()> fn) {
    auto result = std::make_shared<std::promise<std::string>>();
    auto future = result->get_future();
    asio::post(io, [result, fn = std::move(fn)] { result->set_value(fn()); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return "";
    return future.get();
  }

  // For the admin thread: runs a task with the broker's state on the event loop and waits.
  admin::HttpResponse RunWithState(admin::StateTask task) {
    auto result = std::make_shared<std::promise<admin::HttpResponse>>();
    auto future = result->get_future();
    asio::post(io, [this, task = std::move(task), result]() mutable {
      asio::co_spawn(io, RunStateTask(std::move(task), state, result), asio::detached);
    });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      return admin::HttpResponse::Error(503, "the broker did not answer in time");
    }
    try {
      return future.get();
    } catch (const std::future_error&) {  // the loop stopped before the task ran
      return admin::HttpResponse::Error(503, "the broker is shutting down");
    }
  }

  // A coroutine of its own, its arguments in its frame (not a lambda's captures: GCC PR 100611).
  static Awaitable<void> RunStateTask(admin::StateTask task, BrokerState& state,
                                      std::shared_ptr<std::promise<admin::HttpResponse>> result) {
    result->set_value(co_await task(state));
  }

  void ScheduleRetention() {
    retention_timer.expires_after(
        std::chrono::milliseconds(state.config().cluster.retention_check_interval_ms));
    retention_timer.async_wait([this](const asio::error_code& ec) {
      if (ec || stopping) return;
      state.logs().ApplyRetention(NowMs());
      ScheduleRetention();
    });
  }

  void Shutdown() {
    if (stopping) return;
    stopping = true;
    KPK_LOG_INFO("shutting down");
    admin.SetReady(false);
    kafka.Stop();
    // Parked fetches would otherwise keep the event loop, and so the shutdown, waiting for as
    // long as their clients' max wait (KafkaJS: 5 s; any client may ask for more).
    state.waiters().CloseAll();
    signals.cancel();
    retention_timer.cancel();
    groups.Stop();
    transactions.Stop();
  }

  asio::io_context io{1};
  BrokerState state;
  groups::GroupCoordinator groups;
  transactions::ProducerStates producers;
  transactions::TransactionCoordinator transactions;
  handlers::KafkaApis apis;
  KafkaServer kafka;
  admin::AdminServer admin;
  asio::signal_set signals;
  asio::steady_timer retention_timer;
  bool stopping = false;
};

namespace {

// Fetch and produce buffers are often above glibc's mmap threshold (128 KiB up to a dynamic
// 32 MiB), so each one was a fresh mapping: page faults and kernel zeroing were a fifth of the
// broker's CPU under a consume load. Keeping them on the heap reuses the pages; the trim
// threshold bounds what an idle broker keeps after a burst.
void TuneAllocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace

Broker::Broker(BrokerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {
  TuneAllocator();
}

Broker::~Broker() {
  impl_->admin.Stop();
  impl_->Close();
}

Status Broker::Start() {
  const BrokerConfig& config = impl_->state.config();
  if (config.developer_mode) {
    KPK_LOG_WARN(
        "developer_mode: writes are not fsynced; a machine crash can lose acknowledged data");
  }
  if (Status s = impl_->Open(); !s.ok()) return s;
  if (Status s = impl_->kafka.Listen(config.kafka_api); !s.ok()) return s;
  if (Status s = impl_->admin.Listen(config.admin); !s.ok()) return s;
  BrokerConfig& bound = impl_->state.mutable_config();
  bound.kafka_api.port = impl_->kafka.port();
  bound.admin.port = impl_->admin.port();
  impl_->kafka.Start();
  storage::LogManager& logs = impl_->state.logs();
  impl_->admin.SetState(impl_->state);
  impl_->admin.SetCleanerTotals([&logs] { return logs.cleaner().totals(); });
  impl_->admin.SetMetricsSource(
      [this] { return CollectMetricsSnapshot(impl_->state, impl_->groups); });
  impl_->admin.SetStateRunner(
      [impl = impl_.get()](admin::StateTask task) { return impl->RunWithState(std::move(task)); });
  impl_->admin.Start();
  impl_->ScheduleRetention();
  asio::co_spawn(impl_->io, impl_->transactions.Recover(), asio::detached);
  impl_->signals.async_wait([this](const asio::error_code& ec, int signal) {
    if (ec) return;
    KPK_LOG_INFO("received signal {}", signal);
    impl_->Shutdown();
  });
  return Status::OK();
}

void Broker::Run() {
  const BrokerConfig& config = impl_->state.config();
  KPK_LOG_INFO("kpk broker node {} serving Kafka on {} (advertised {}), admin on {}",
               config.node_id, config.kafka_api.ToString(), config.Advertised().ToString(),
               config.admin.ToString());
  asio::post(impl_->io, [this] { impl_->admin.SetReady(true); });
  impl_->io.run();
  impl_->admin.Stop();
  if (Status s = impl_->Close(); !s.ok()) {
    KPK_LOG_ERROR("closing storage failed: {}", s.ToString());
  }
  KPK_LOG_INFO("stopped");
}

void Broker::Stop() {
  asio::post(impl_->io, [this] { impl_->Shutdown(); });
}

uint16_t Broker::kafka_port() const { return impl_->kafka.port(); }
uint16_t Broker::admin_port() const { return impl_->admin.port(); }

}  // namespace kpk::broker
