#include "broker/admin/health_overview.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker/core/broker_state.h"

namespace kpk::broker::admin {
namespace {

struct Leaderless {
  std::vector<std::string> listed;  // "kafka/<topic>/<partition>", at most kMaxListedPartitions
  int64_t count = 0;
};

Leaderless OfflinePartitions(BrokerState& state) {
  Leaderless out;
  for (const auto& topic : state.topics().List()) {
    for (int32_t p = 0; p < topic.partitions; ++p) {
      if (!state.topics().Offline(topic.name, p)) continue;
      ++out.count;
      if (out.listed.size() < kMaxListedPartitions) {
        out.listed.push_back("kafka/" + topic.name + "/" + std::to_string(p));
      }
    }
  }
  return out;
}

}  // namespace

std::optional<DiskSpace> StatDisk(const std::string& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) return std::nullopt;
  // Redpanda counts f_bfree (root's reserve included), as here.
  return DiskSpace{static_cast<uint64_t>(s.f_blocks) * s.f_frsize,
                   static_cast<uint64_t>(s.f_bfree) * s.f_frsize};
}

bool LowDiskSpace(const DiskSpace& disk, const ClusterProperties& cluster) {
  if (disk.total == 0) return false;
  const auto by_percent =
      static_cast<uint64_t>(static_cast<long double>(disk.total) *
                            cluster.storage_space_alert_free_threshold_percent / 100);
  const uint64_t alert_min =
      std::max(by_percent, static_cast<uint64_t>(std::max<int64_t>(
                               0, cluster.storage_space_alert_free_threshold_bytes)));
  return disk.free <= alert_min;
}

std::string HealthOverviewJson(BrokerState& state, const std::optional<DiskSpace>& disk) {
  const BrokerConfig& config = state.config();
  const int32_t node = config.node_id;
  const Leaderless leaderless = OfflinePartitions(state);
  const bool low_disk = disk && LowDiskSpace(*disk, config.cluster);

  nlohmann::json j;
  j["controller_id"] = node;
  j["all_nodes"] = std::vector<int32_t>{node};
  j["nodes_down"] = nlohmann::json::array();
  j["nodes_in_recovery_mode"] = nlohmann::json::array();
  j["leaderless_partitions"] = leaderless.listed;
  j["leaderless_count"] = leaderless.count;
  j["under_replicated_partitions"] = nlohmann::json::array();
  j["under_replicated_count"] = 0;
  j["high_disk_usage_nodes"] = low_disk ? std::vector<int32_t>{node} : std::vector<int32_t>{};
  j["bytes_in_cloud_storage"] = 0;
  // Redpanda's reasons, in its order.
  std::vector<std::string> reasons;
  if (low_disk) reasons.emplace_back("high_disk_usage_nodes");
  if (leaderless.count > 0) reasons.emplace_back("leaderless_partitions");
  j["unhealthy_reasons"] = reasons;
  j["is_healthy"] = reasons.empty();
  return j.dump();
}

}  // namespace kpk::broker::admin
