#include "broker/server/config_catalog.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>

#include <fmt/core.h>

namespace kpk::broker {
namespace {

constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

struct TopicConfigSpec {
  const char* name;
  ConfigType type;
  std::function<std::string(const ClusterProperties&)> default_value;
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = kLongMax;
  std::vector<std::string_view> allowed = {};  // for strings and list items; empty: anything
  const char* doc = "";
};

std::function<std::string(const ClusterProperties&)> Fixed(std::string v) {
  return [v](const ClusterProperties&) { return v; };
}

const std::vector<TopicConfigSpec>& TopicSpecs() {
  static const std::vector<TopicConfigSpec> specs = [] {
    std::vector<TopicConfigSpec> s = {
        {"cleanup.policy",
         ConfigType::kList,
         [](const ClusterProperties& c) { return c.log_cleanup_policy; },
         0,
         0,
         {"delete", "compact"},
         "Retention policy for old log segments: delete or compact."},
        {"compression.type",
         ConfigType::kString,
         Fixed("producer"),
         0,
         0,
         {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
         "Compression for the topic; 'producer' keeps what the producer sent."},
        {"delete.retention.ms", ConfigType::kLong, Fixed("86400000"), 0},
        {"file.delete.delay.ms", ConfigType::kLong, Fixed("60000"), 0},
        {"flush.messages", ConfigType::kLong, Fixed(std::to_string(kLongMax)), 1},
        {"flush.ms", ConfigType::kLong, Fixed(std::to_string(kLongMax)), 0},
        {"index.interval.bytes",
         ConfigType::kInt,
         Fixed("4096"),
         0,
         kIntMax,
         {},
         "How often an offset index entry is added, in bytes of log."},
        {"max.compaction.lag.ms", ConfigType::kLong, Fixed(std::to_string(kLongMax)), 1},
        {"max.message.bytes",
         ConfigType::kInt,
         [](const ClusterProperties& c) { return std::to_string(c.kafka_batch_max_bytes); },
         0,
         kIntMax,
         {},
         "The largest record batch size allowed."},
        {"message.downconversion.enable", ConfigType::kBoolean, Fixed("true")},
        {"message.timestamp.after.max.ms", ConfigType::kLong, Fixed(std::to_string(kLongMax)), 0},
        {"message.timestamp.before.max.ms", ConfigType::kLong, Fixed(std::to_string(kLongMax)), 0},
        {"message.timestamp.difference.max.ms", ConfigType::kLong, Fixed(std::to_string(kLongMax)),
         0},
        {"message.timestamp.type",
         ConfigType::kString,
         [](const ClusterProperties& c) { return c.log_message_timestamp_type; },
         0,
         0,
         {"CreateTime", "LogAppendTime"},
         "Whether record timestamps are the producer's or the broker's."},
        {"min.cleanable.dirty.ratio", ConfigType::kDouble, Fixed("0.5")},
        {"min.compaction.lag.ms", ConfigType::kLong, Fixed("0"), 0},
        {"min.insync.replicas", ConfigType::kInt, Fixed("1"), 1, kIntMax},
        {"preallocate", ConfigType::kBoolean, Fixed("false")},
        {"retention.bytes",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.retention_bytes); },
         -1,
         kLongMax,
         {},
         "Size a partition may grow to before old segments are deleted; -1: no limit."},
        {"retention.ms",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.log_retention_ms); },
         -1,
         kLongMax,
         {},
         "How long data is kept before old segments are deleted; -1: forever."},
        {"segment.bytes",
         ConfigType::kInt,
         [](const ClusterProperties& c) { return std::to_string(c.log_segment_size); },
         14,
         kIntMax,
         {},
         "Segment file size at which a new segment is started."},
        {"segment.index.bytes", ConfigType::kInt, Fixed("10485760"), 4, kIntMax},
        {"segment.jitter.ms", ConfigType::kLong, Fixed("0"), 0},
        {"segment.ms",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.log_segment_ms); },
         1,
         kLongMax,
         {},
         "Age at which a segment is rolled even if not full."},
        {"unclean.leader.election.enable", ConfigType::kBoolean, Fixed("false")},
    };
    return s;
  }();
  return specs;
}

const TopicConfigSpec* FindTopicSpec(std::string_view name) {
  for (const auto& s : TopicSpecs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::optional<int64_t> ParseLong(std::string_view v) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || v.empty()) return std::nullopt;
  return out;
}

std::optional<bool> ParseBool(std::string_view v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return std::nullopt;
}

Status Invalid(std::string_view name, std::string_view value, std::string_view why) {
  return Status::InvalidArgument(
      fmt::format("Invalid value {} for configuration {}: {}", value, name, why));
}

Status CheckAllowed(const TopicConfigSpec& spec, std::string_view item, std::string_view value) {
  if (spec.allowed.empty() ||
      std::find(spec.allowed.begin(), spec.allowed.end(), item) != spec.allowed.end()) {
    return Status::OK();
  }
  std::string allowed;
  for (auto a : spec.allowed) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
  return Invalid(spec.name, value, fmt::format("String must be one of: {}", allowed));
}

Status ValidateAgainst(const TopicConfigSpec& spec, std::string_view value) {
  switch (spec.type) {
    case ConfigType::kInt:
    case ConfigType::kLong: {
      auto n = ParseLong(value);
      if (!n) return Invalid(spec.name, value, "Not a number");
      if (*n < spec.min || *n > spec.max) {
        return Invalid(spec.name, value, fmt::format("Value must be at least {}", spec.min));
      }
      return Status::OK();
    }
    case ConfigType::kBoolean:
      return ParseBool(value) ? Status::OK() : Invalid(spec.name, value, "Expected true or false");
    case ConfigType::kDouble: {
      char* end = nullptr;
      std::string v(value);
      std::strtod(v.c_str(), &end);
      return (!v.empty() && end == v.c_str() + v.size())
                 ? Status::OK()
                 : Invalid(spec.name, value, "Not a number");
    }
    case ConfigType::kList: {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view item =
            value.substr(start, comma == std::string_view::npos ? comma : comma - start);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (Status s = CheckAllowed(spec, item, value); !s.ok()) return s;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return Status::OK();
    }
    default:
      return CheckAllowed(spec, value, value);
  }
}

// --- broker configs ----------------------------------------------------------------------

struct BrokerConfigSpec {
  const char* name;
  ConfigType type;
  bool dynamic;
  std::function<std::string(const BrokerConfig&)> get;
  // Parses and stores `value` into `cluster`; null for read-only configs.
  std::function<Status(std::string_view value, ClusterProperties& cluster)> set;
};

template <typename T>
std::function<Status(std::string_view, ClusterProperties&)> SetNumber(T ClusterProperties::*field,
                                                                      int64_t min) {
  return [field, min](std::string_view v, ClusterProperties& c) -> Status {
    auto n = ParseLong(v);
    if (!n || *n < min || *n > static_cast<int64_t>(std::numeric_limits<T>::max())) {
      return Status::InvalidArgument(fmt::format("Invalid value {}", v));
    }
    c.*field = static_cast<T>(*n);
    return Status::OK();
  };
}

const std::vector<BrokerConfigSpec>& BrokerSpecs() {
  using C = ClusterProperties;
  static const std::vector<BrokerConfigSpec> specs = {
      {"advertised.listeners", ConfigType::kString, false,
       [](const BrokerConfig& b) { return "PLAINTEXT://" + b.Advertised().ToString(); }, nullptr},
      {"auto.create.topics.enable", ConfigType::kBoolean, true,
       [](const BrokerConfig& b) {
         return b.cluster.auto_create_topics_enabled ? "true" : "false";
       },
       [](std::string_view v, C& c) -> Status {
         auto b = ParseBool(v);
         if (!b) return Status::InvalidArgument(fmt::format("Invalid value {}", v));
         c.auto_create_topics_enabled = *b;
         return Status::OK();
       }},
      {"broker.id", ConfigType::kInt, false,
       [](const BrokerConfig& b) { return std::to_string(b.node_id); }, nullptr},
      {"default.replication.factor", ConfigType::kInt, false,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.default_topic_replications); },
       nullptr},
      {"group.initial.rebalance.delay.ms", ConfigType::kInt, true,
       [](const BrokerConfig& b) {
         return std::to_string(b.cluster.group_initial_rebalance_delay_ms);
       },
       SetNumber(&C::group_initial_rebalance_delay_ms, 0)},
      {"group.max.session.timeout.ms", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.group_max_session_timeout_ms); },
       SetNumber(&C::group_max_session_timeout_ms, 1)},
      {"group.min.session.timeout.ms", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.group_min_session_timeout_ms); },
       SetNumber(&C::group_min_session_timeout_ms, 1)},
      {"listeners", ConfigType::kString, false,
       [](const BrokerConfig& b) { return "PLAINTEXT://" + b.kafka_api.ToString(); }, nullptr},
      {"log.cleanup.policy", ConfigType::kList, true,
       [](const BrokerConfig& b) { return b.cluster.log_cleanup_policy; },
       [](std::string_view v, C& c) -> Status {
         if (Status s = ValidateTopicConfig("cleanup.policy", v); !s.ok()) return s;
         c.log_cleanup_policy = std::string(v);
         return Status::OK();
       }},
      {"log.dirs", ConfigType::kString, false,
       [](const BrokerConfig& b) { return b.data_directory; }, nullptr},
      {"log.message.timestamp.type", ConfigType::kString, true,
       [](const BrokerConfig& b) { return b.cluster.log_message_timestamp_type; },
       [](std::string_view v, C& c) -> Status {
         if (Status s = ValidateTopicConfig("message.timestamp.type", v); !s.ok()) return s;
         c.log_message_timestamp_type = std::string(v);
         return Status::OK();
       }},
      {"log.retention.bytes", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.retention_bytes); },
       SetNumber(&C::retention_bytes, -1)},
      {"log.retention.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.log_retention_ms); },
       SetNumber(&C::log_retention_ms, -1)},
      {"log.roll.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.log_segment_ms); },
       SetNumber(&C::log_segment_ms, 1)},
      {"log.segment.bytes", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.log_segment_size); },
       SetNumber(&C::log_segment_size, 14)},
      {"message.max.bytes", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.kafka_batch_max_bytes); },
       SetNumber(&C::kafka_batch_max_bytes, 0)},
      {"num.partitions", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.default_topic_partitions); },
       SetNumber(&C::default_topic_partitions, 1)},
      {"transaction.max.timeout.ms", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.transaction_max_timeout_ms); },
       SetNumber(&C::transaction_max_timeout_ms, 1)},
  };
  return specs;
}

}  // namespace

std::vector<ConfigEntry> DescribeTopicConfigs(const ConfigOverrides& overrides,
                                              const ClusterProperties& cluster) {
  std::vector<ConfigEntry> out;
  for (const auto& spec : TopicSpecs()) {
    ConfigEntry e;
    e.name = spec.name;
    e.type = spec.type;
    e.documentation = spec.doc;
    if (auto it = overrides.find(spec.name); it != overrides.end()) {
      e.value = it->second;
      e.source = ConfigSource::kDynamicTopic;
    } else {
      e.value = spec.default_value(cluster);
      e.source = ConfigSource::kDefault;
    }
    out.push_back(std::move(e));
  }
  // Overrides the catalog does not know (accepted from an older kpk) are still reported.
  for (const auto& [name, value] : overrides) {
    if (!FindTopicSpec(name))
      out.push_back({name, value, ConfigSource::kDynamicTopic, ConfigType::kUnknown, false, ""});
  }
  std::sort(out.begin(), out.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return out;
}

Status ValidateTopicConfig(std::string_view name, std::string_view value) {
  const TopicConfigSpec* spec = FindTopicSpec(name);
  if (spec == nullptr) {
    return Status::InvalidArgument(fmt::format("Unknown topic config name: {}", name));
  }
  return ValidateAgainst(*spec, value);
}

bool IsListConfig(std::string_view name) {
  const TopicConfigSpec* spec = FindTopicSpec(name);
  return spec != nullptr && spec->type == ConfigType::kList;
}

std::vector<ConfigEntry> DescribeBrokerConfigs(const BrokerConfig& config,
                                               const ConfigOverrides& dynamic_overrides) {
  std::vector<ConfigEntry> out;
  for (const auto& spec : BrokerSpecs()) {
    ConfigEntry e;
    e.name = spec.name;
    e.value = spec.get(config);
    e.type = spec.type;
    e.read_only = !spec.dynamic;
    e.source = dynamic_overrides.count(spec.name) ? ConfigSource::kDynamicDefaultBroker
                                                  : ConfigSource::kStaticBroker;
    out.push_back(std::move(e));
  }
  return out;
}

Status ApplyBrokerConfig(std::string_view name, const std::optional<std::string>& value,
                         const ClusterProperties& static_values, ClusterProperties& cluster) {
  for (const auto& spec : BrokerSpecs()) {
    if (name != spec.name) continue;
    if (!spec.set) {
      return Status::InvalidArgument(fmt::format("Cannot update {}: it is read-only", name));
    }
    if (value) return spec.set(*value, cluster);
    // Reset: copy the static value back through the same setter.
    BrokerConfig statics;
    statics.cluster = static_values;
    return spec.set(spec.get(statics), cluster);
  }
  return Status::InvalidArgument(fmt::format("Unknown broker config name: {}", name));
}

}  // namespace kpk::broker
