// The broker core everything above it shares: configuration, metrics, topics and their logs,
// fetch wake-ups. The group and transaction coordinators build on it (see broker.cc). Used only on the
// event-loop thread, apart from the atomics in metrics.
#pragma once

#include <memory>

#include "broker/core/broker_config.h"
#include "broker/core/config_catalog.h"
#include "broker/core/topics.h"
#include "broker/metrics/broker_metrics.h"
#include "broker/storage/log_manager.h"

namespace asio {
class io_context;
}

namespace kpk::broker::inline core {

class PartitionWaiters;

class BrokerState {
 public:
  BrokerState(BrokerConfig config, asio::io_context& io);
  ~BrokerState();
  BrokerState(const BrokerState&) = delete;
  BrokerState& operator=(const BrokerState&) = delete;

  // Opens (and recovers) the data directory and loads persisted broker config overrides.
  Status Open();
  // Flushes and closes storage.
  Status Close();

  const BrokerConfig& config() const { return config_; }
  // Only for startup, before the event loop runs (e.g. to record the port actually bound).
  BrokerConfig& mutable_config() { return config_; }
  BrokerMetrics& metrics() { return metrics_; }
  asio::io_context& io() { return io_; }
  storage::LogManager& logs() { return *logs_; }
  Topics& topics() { return *topics_; }
  PartitionWaiters& waiters() { return *waiters_; }

  // Broker configs changed at run time (AlterConfigs on the broker), persisted in the data
  // directory and applied over the static config at startup.
  const ConfigOverrides& broker_overrides() const { return broker_overrides_; }
  // Applies and persists a change; nullopt resets the config to its static value.
  Status SetBrokerConfig(std::string_view name, const std::optional<std::string>& value,
                         bool validate_only);

 private:
  Status LoadBrokerOverrides();
  Status SaveBrokerOverrides() const;
  storage::LogConfig StorageDefaults() const;

  BrokerConfig config_;
  ClusterProperties static_cluster_;  // as configured at startup, before overrides
  BrokerMetrics metrics_;
  asio::io_context& io_;
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<Topics> topics_;
  std::unique_ptr<PartitionWaiters> waiters_;
  ConfigOverrides broker_overrides_;
};

int64_t NowMs();

}  // namespace kpk::broker::core
