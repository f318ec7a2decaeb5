// Everything the Kafka handlers share: configuration, metrics, and (as they land) the logs,
// the group coordinator and producer state. Used only on the event-loop thread, apart from
// the atomics in metrics.
#pragma once

#include "broker/admin/admin_server.h"
#include "broker/server/broker_config.h"

namespace kpk::broker {

class BrokerState {
 public:
  explicit BrokerState(BrokerConfig config) : config_(std::move(config)) {}

  // Only for startup, before the event loop runs (e.g. to record the port actually bound).
  BrokerConfig& mutable_config() { return config_; }
  BrokerState(const BrokerState&) = delete;
  BrokerState& operator=(const BrokerState&) = delete;

  const BrokerConfig& config() const { return config_; }
  ClusterProperties& cluster() { return config_.cluster; }
  BrokerMetrics& metrics() { return metrics_; }

 private:
  BrokerConfig config_;
  BrokerMetrics metrics_;
};

}  // namespace kpk::broker
