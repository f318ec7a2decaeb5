// GET /v1/cluster/health_overview, in Redpanda's shape (cluster.json's cluster_health_overview,
// Redpanda's health_monitor_backend::get_cluster_health_overview).
//
// kpk's broker is a one-node cluster: the node is never down and every partition has its one
// replica in sync, so the overview is unhealthy when a partition is offline (corrupt data, see
// PartitionLog::unservable) or the data directory's free space is at or under the alert
// threshold (storage_space_alert_free_threshold_percent / _bytes, as Redpanda's local_monitor).
#pragma once

#include <cstdint>
#include <string>

#include "broker/core/broker_config.h"

namespace kpk::broker {
inline namespace core {
class BrokerState;
}
}  // namespace kpk::broker

namespace kpk::broker::admin {

// Redpanda lists at most this many leaderless partitions; leaderless_count has them all.
inline constexpr size_t kMaxListedPartitions = 128;

struct DiskSpace {
  uint64_t total = 0;
  uint64_t free = 0;
};

// Whether free space is at or under the alert threshold: the larger of the percent of the
// disk and the bytes (Redpanda's rule). A disk of unknown size never alerts.
bool LowDiskSpace(const DiskSpace& disk, const ClusterProperties& cluster);

// The overview's JSON. Runs on the event loop (it reads the topics and their logs).
std::string HealthOverviewJson(BrokerState& state);

}  // namespace kpk::broker::admin
