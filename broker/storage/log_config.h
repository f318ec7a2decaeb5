// Topic configuration as storage sees it: the string map Kafka's config APIs carry, and the
// typed settings storage acts on (segment roll, retention, timestamps, index density).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include "broker/protocol/record_batch.h"
#include "common/status.h"

namespace kpk::broker::storage {

// A topic's config overrides, Kafka names to Kafka string values ("retention.ms" -> "3600000").
// Keys storage does not act on are kept verbatim.
using ConfigMap = std::map<std::string, std::string, std::less<>>;

// Kafka topic config names that storage interprets.
namespace config_keys {
inline constexpr std::string_view kSegmentBytes = "segment.bytes";
inline constexpr std::string_view kSegmentMs = "segment.ms";
inline constexpr std::string_view kRetentionMs = "retention.ms";
inline constexpr std::string_view kRetentionBytes = "retention.bytes";
inline constexpr std::string_view kIndexIntervalBytes = "index.interval.bytes";
inline constexpr std::string_view kMessageTimestampType = "message.timestamp.type";
inline constexpr std::string_view kCleanupPolicy = "cleanup.policy";
inline constexpr std::string_view kMinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
inline constexpr std::string_view kMinCompactionLagMs = "min.compaction.lag.ms";
inline constexpr std::string_view kMaxCompactionLagMs = "max.compaction.lag.ms";
inline constexpr std::string_view kDeleteRetentionMs = "delete.retention.ms";
}  // namespace config_keys

// Consumers read near the end of a log: the newest data is what they ask for, from the page
// cache. Older data left there only crowds out everything else on the machine, and a page the
// broker lets go is the cheapest one the kernel can hand out for the next write. Where fresh
// memory is expensive, as in a VM whose host takes back free pages, a write into recycled
// pages costs a quarter of a write into new ones (docs/benchmarks.md).
inline constexpr int64_t kDefaultPageCacheTailBytes = 16 * 1024 * 1024;

// Defaults are Kafka's.
struct LogConfig {
  int64_t segment_bytes = 1073741824;  // 1 GiB; at most INT32_MAX
  int64_t segment_ms = 604800000;      // 7 days
  int64_t retention_ms = 604800000;    // 7 days; negative: keep forever
  int64_t retention_bytes = -1;        // negative: no size limit
  int32_t index_interval_bytes = 4096;
  protocol::TimestampType timestamp_type = protocol::TimestampType::kCreateTime;
  // cleanup.policy: "delete" (retention trims the front), "compact" (the log cleaner keeps the
  // newest record per key), or both.
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  // The log cleaner's settings, as Kafka names and defaults them.
  double min_cleanable_dirty_ratio = 0.5;
  int64_t min_compaction_lag_ms = 0;
  int64_t max_compaction_lag_ms = std::numeric_limits<int64_t>::max();
  int64_t delete_retention_ms = 86400000;  // tombstones and spent markers are kept this long

  // `defaults` with the keys storage knows overridden from `configs`. kInvalidArgument names
  // the key whose value is malformed or out of range.
  static Result<LogConfig> FromConfigs(const ConfigMap& configs, const LogConfig& defaults);
  // The settings above as Kafka config strings (for DescribeConfigs defaults).
  ConfigMap ToConfigs() const;
};

}  // namespace kpk::broker::storage
