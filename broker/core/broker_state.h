// The broker core everything above it shares: configuration, metrics, topics and their logs,
// fetch wake-ups. The group and transaction coordinators build on it (see broker.cc). Used only on
// the event-loop thread, apart from the atomics in metrics; disk work runs on worker().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/core/admin_turns.h"
#include "broker/core/blocking.h"
#include "broker/core/broker_config.h"
#include "broker/core/config_catalog.h"
#include "broker/core/topics.h"
#include "broker/metrics/broker_metrics.h"
#include "broker/storage/log_manager.h"

namespace asio {
class io_context;
}

namespace kpk::broker {
inline namespace core {

class PartitionWaiters;
struct ClusterConfigPatch;  // cluster_properties.h

class BrokerState {
 public:
  BrokerState(BrokerConfig config, asio::io_context& io);
  ~BrokerState();
  BrokerState(const BrokerState&) = delete;
  BrokerState& operator=(const BrokerState&) = delete;

  // Opens (and recovers) the data directory and loads persisted broker config overrides.
  Status Open();
  // Finishes the disk work already asked for, then flushes and closes storage.
  Status Close();

  const BrokerConfig& config() const { return config_; }
  // Only for startup, before the event loop runs (e.g. to record the port actually bound).
  BrokerConfig& mutable_config() { return config_; }
  BrokerMetrics& metrics() { return metrics_; }
  asio::io_context& io() { return io_; }
  storage::LogManager& logs() { return *logs_; }
  Topics& topics() { return *topics_; }
  PartitionWaiters& waiters() { return *waiters_; }
  // Where admin operations do their disk work (RunBlocking), and the turns that order them.
  BlockingWorker& worker() { return worker_; }
  AdminTurns& turns() { return turns_; }

  // Broker configs changed at run time (AlterConfigs on the broker), at both of Kafka's levels,
  // persisted in the data directory and applied over the static config at startup.
  const BrokerOverrides& broker_overrides() const { return broker_overrides_; }
  // The broker's configuration as started, before any override.
  const ClusterProperties& static_cluster() const { return static_cluster_; }
  // A broker config change: the new value, or nullopt to remove the override at its level.
  using BrokerConfigChange = std::pair<std::string, std::optional<std::string>>;
  // Broker config changes take this turn, read broker_overrides() and SetBrokerConfigs().
  Awaitable<AdminTurns::Turn> TakeBrokerConfigTurn() { return turns_.Take(kBrokerConfigTurn); }
  // Validates every change to this broker's overrides (`cluster_default`: to the cluster-wide
  // defaults), persists the result (off the loop) and then applies it; all of them or none.
  // `turn` is the caller's, held since it read the overrides.
  Awaitable<Status> SetBrokerConfigs(const AdminTurns::Turn& turn, bool cluster_default,
                                     std::vector<BrokerConfigChange> changes, bool validate_only);

  // The cluster configuration (Admin API /v1/cluster_config) is the cluster-wide level of the
  // same overrides: see cluster_properties.h.
  // The cluster properties as configured: the static values with every override applied,
  // including those that wait for a restart (config().cluster is what is in effect).
  ClusterProperties ConfiguredCluster() const;
  // Counts the changes to the overrides; persisted with them.
  int64_t config_version() const { return config_version_; }
  // Properties changed since startup whose new value waits for a restart.
  std::vector<std::string> PendingRestart() const;
  // Persisted overrides that startup could not apply: bad values, and names it does not know.
  const std::vector<std::string>& invalid_configs() const { return invalid_configs_; }
  const std::vector<std::string>& unknown_configs() const { return unknown_configs_; }
  struct ClusterConfigOutcome {
    std::map<std::string, std::string> errors;  // per property; nothing applied when any
    Status status;                              // writing the change failed
  };
  // Validates the whole patch, then persists and applies it (unless `dry_run`), taking the
  // broker config turn itself.
  Awaitable<ClusterConfigOutcome> PatchClusterConfig(ClusterConfigPatch patch, bool dry_run);

 private:
  // No topic has an empty name.
  static constexpr const char* kBrokerConfigTurn = "";

  Status LoadBrokerOverrides();
  Awaitable<Status> SaveBrokerOverrides(const BrokerOverrides& overrides, int64_t version);
  // Persists `overrides` (a new config_version when they changed) and then puts them in effect.
  Awaitable<Status> CommitOverrides(BrokerOverrides overrides);
  void PublishBrokerConfigs(const ClusterProperties& cluster, BrokerOverrides overrides);
  storage::LogConfig StorageDefaults() const;
  FileSystem& fs() const;

  BrokerConfig config_;
  ClusterProperties static_cluster_;  // as configured at startup, before overrides
  BrokerMetrics metrics_;
  asio::io_context& io_;
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<Topics> topics_;
  std::unique_ptr<PartitionWaiters> waiters_;
  BrokerOverrides broker_overrides_;
  int64_t config_version_ = 0;
  std::vector<std::string> invalid_configs_;
  std::vector<std::string> unknown_configs_;
  AdminTurns turns_;
  // Last: destroyed first, finishing its jobs while what they use still exists.
  BlockingWorker worker_;
};

int64_t NowMs();

}  // namespace core
}  // namespace kpk::broker
