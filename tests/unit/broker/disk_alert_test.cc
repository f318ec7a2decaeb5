// The disk alert of /v1/cluster/health_overview: free space at or under the larger of
// storage_space_alert_free_threshold_percent of the disk and _bytes, as Redpanda's
// local_monitor decides it.
#include <doctest/doctest.h>

#include "broker/admin/health_overview.h"

namespace kpk::broker::admin {
namespace {

ClusterProperties Thresholds(int32_t percent, int64_t bytes) {
  ClusterProperties c;
  c.storage_space_alert_free_threshold_percent = percent;
  c.storage_space_alert_free_threshold_bytes = bytes;
  return c;
}

TEST_CASE("the disk alert takes the larger of the percent and the bytes") {
  const DiskSpace disk{1000, 50};               // 5% free
  CHECK(LowDiskSpace(disk, Thresholds(5, 0)));  // Redpanda's default: at the threshold alerts
  CHECK_FALSE(LowDiskSpace({1000, 51}, Thresholds(5, 0)));
  CHECK_FALSE(LowDiskSpace(disk, Thresholds(4, 0)));
  CHECK(LowDiskSpace(disk, Thresholds(0, 50)));
  CHECK_FALSE(LowDiskSpace(disk, Thresholds(0, 49)));
  CHECK(LowDiskSpace(disk, Thresholds(1, 60)));  // bytes win
  CHECK(LowDiskSpace(disk, Thresholds(10, 1)));  // percent wins
  CHECK_FALSE(LowDiskSpace(disk, Thresholds(0, 0)));
  CHECK(LowDiskSpace({1000, 0}, Thresholds(0, 0)));  // a full disk always alerts
}

TEST_CASE("a disk of unknown size never alerts") {
  CHECK_FALSE(LowDiskSpace({0, 0}, Thresholds(50, 1 << 30)));
}

TEST_CASE("percent thresholds do not overflow on large disks") {
  const uint64_t pib = uint64_t{1} << 50;
  CHECK(LowDiskSpace({pib, pib / 4}, Thresholds(50, 0)));
  CHECK_FALSE(LowDiskSpace({pib, pib / 2 + 1}, Thresholds(50, 0)));
}

}  // namespace
}  // namespace kpk::broker::admin
