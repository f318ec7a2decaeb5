#include "broker/storage/log_config.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace kpk::broker::storage {
namespace {

Status ParseInt(const ConfigMap& configs, std::string_view key, int64_t min, int64_t max,
                int64_t* out) {
  auto it = configs.find(key);
  if (it == configs.end()) return Status::OK();
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Status::InvalidArgument("config " + std::string(key) + "=" + text +
                                   " is not an integer");
  }
  if (value < min || value > max) {
    return Status::InvalidArgument("config " + std::string(key) + "=" + text +
                                   " is out of range [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]");
  }
  *out = value;
  return Status::OK();
}

Status ParseCleanupPolicy(const ConfigMap& configs, LogConfig& c) {
  auto it = configs.find(config_keys::kCleanupPolicy);
  if (it == configs.end()) return Status::OK();
  bool del = false;
  bool compact = false;
  std::string_view rest = it->second;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "delete") {
      del = true;
    } else if (item == "compact") {
      compact = true;
    } else if (!item.empty()) {
      return Status::InvalidArgument("config cleanup.policy=" + it->second +
                                     " names neither delete nor compact");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  c.cleanup_delete = del;
  c.cleanup_compact = compact;
  return Status::OK();
}

Status ParseRatio(const ConfigMap& configs, std::string_view key, double* out) {
  auto it = configs.find(key);
  if (it == configs.end()) return Status::OK();
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || end != it->second.c_str() + it->second.size() || !(value >= 0) ||
      value > 1) {
    return Status::InvalidArgument("config " + std::string(key) + "=" + it->second +
                                   " is not a number in [0, 1]");
  }
  *out = value;
  return Status::OK();
}

}  // namespace

Result<LogConfig> LogConfig::FromConfigs(const ConfigMap& configs, const LogConfig& defaults) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
  LogConfig c = defaults;
  int64_t interval = c.index_interval_bytes;
  // Kafka's own lower bounds: a segment holds at least the smallest legacy message.
  Status s = ParseInt(configs, config_keys::kSegmentBytes, 14, kInt32Max, &c.segment_bytes);
  if (s.ok()) s = ParseInt(configs, config_keys::kSegmentMs, 1, kInt64Max, &c.segment_ms);
  if (s.ok()) s = ParseInt(configs, config_keys::kRetentionMs, -1, kInt64Max, &c.retention_ms);
  if (s.ok()) {
    s = ParseInt(configs, config_keys::kRetentionBytes, kInt64Min, kInt64Max, &c.retention_bytes);
  }
  if (s.ok()) s = ParseInt(configs, config_keys::kIndexIntervalBytes, 0, kInt32Max, &interval);
  if (s.ok()) s = ParseCleanupPolicy(configs, c);
  if (s.ok())
    s = ParseRatio(configs, config_keys::kMinCleanableDirtyRatio, &c.min_cleanable_dirty_ratio);
  if (s.ok()) {
    s = ParseInt(configs, config_keys::kMinCompactionLagMs, 0, kInt64Max, &c.min_compaction_lag_ms);
  }
  if (s.ok()) {
    s = ParseInt(configs, config_keys::kMaxCompactionLagMs, 1, kInt64Max, &c.max_compaction_lag_ms);
  }
  if (s.ok()) {
    s = ParseInt(configs, config_keys::kDeleteRetentionMs, 0, kInt64Max, &c.delete_retention_ms);
  }
  if (!s.ok()) return Err(s);
  c.index_interval_bytes = static_cast<int32_t>(interval);
  if (auto it = configs.find(config_keys::kMessageTimestampType); it != configs.end()) {
    if (it->second == "CreateTime") {
      c.timestamp_type = protocol::TimestampType::kCreateTime;
    } else if (it->second == "LogAppendTime") {
      c.timestamp_type = protocol::TimestampType::kLogAppendTime;
    } else {
      return Err(Status::InvalidArgument("config message.timestamp.type=" + it->second +
                                         " is not CreateTime or LogAppendTime"));
    }
  }
  return c;
}

ConfigMap LogConfig::ToConfigs() const {
  ConfigMap m;
  m.emplace(config_keys::kSegmentBytes, std::to_string(segment_bytes));
  m.emplace(config_keys::kSegmentMs, std::to_string(segment_ms));
  m.emplace(config_keys::kRetentionMs, std::to_string(retention_ms));
  m.emplace(config_keys::kRetentionBytes, std::to_string(retention_bytes));
  m.emplace(config_keys::kIndexIntervalBytes, std::to_string(index_interval_bytes));
  std::string policy = cleanup_delete ? "delete" : "";
  if (cleanup_compact) policy += policy.empty() ? "compact" : ",compact";
  m.emplace(config_keys::kCleanupPolicy, policy);
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%g", min_cleanable_dirty_ratio);
  m.emplace(config_keys::kMinCleanableDirtyRatio, ratio);
  m.emplace(config_keys::kMinCompactionLagMs, std::to_string(min_compaction_lag_ms));
  m.emplace(config_keys::kMaxCompactionLagMs, std::to_string(max_compaction_lag_ms));
  m.emplace(config_keys::kDeleteRetentionMs, std::to_string(delete_retention_ms));
  m.emplace(
      config_keys::kMessageTimestampType,
      timestamp_type == protocol::TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime");
  return m;
}

}  // namespace kpk::broker::storage
