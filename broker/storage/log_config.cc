#include "broker/storage/log_config.h"

#include <charconv>
#include <limits>

namespace kpk::storage {
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
  m.emplace(
      config_keys::kMessageTimestampType,
      timestamp_type == protocol::TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime");
  return m;
}

}  // namespace kpk::storage
