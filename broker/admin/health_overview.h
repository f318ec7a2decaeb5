// GET /v1/cluster/health_overview, in Redpanda's shape (cluster.json's cluster_health_overview,
// Redpanda's health_monitor_backend::get_cluster_health_overview).
//
// kpk's broker is a one-node cluster: the node is never down and every partition has its one
// replica in sync, so the overview is unhealthy when a partition is offline (corrupt data, see
// PartitionLog::unservable) or the data directory's free space is at or under the alert
// threshold (storage_space_alert_free_threshold_percent / _bytes, as Redpanda's local_monitor).
#pragma once

#include <cstdint>
#include <optional>
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

// The data directory's disk, by statvfs; nullopt if it cannot be read. Not on the event loop:
// a file system call may wait.
std::optional<DiskSpace> StatDisk(const std::string& path);

// The overview's JSON, with `disk` the data directory's disk. Runs on the event loop (it reads
// the topics, their logs and the live cluster properties).
std::string HealthOverviewJson(BrokerState& state, const std::optional<DiskSpace>& disk);

}  // namespace kpk::broker::admin
