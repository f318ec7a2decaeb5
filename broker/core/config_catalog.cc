#include "broker/core/config_catalog.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>

#include <fmt/core.h>

#include "broker/core/metadata_version.h"

namespace kpk::broker {
inline namespace core {
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
  bool kafka_version = false;  // must be a Kafka MetadataVersion string ("2.8", "3.0-IV1")
};

// As Java prints a double ("0.5", "0.25", "1.0").
std::string FormatDouble(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::optional<double> ParseDouble(std::string_view text) {
  std::string v(text);
  char* end = nullptr;
  double value = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size()) return std::nullopt;
  return value;
}

bool IsDouble(std::string_view value) { return ParseDouble(value).has_value(); }

bool ParseRatio(std::string_view text, double* out) {
  auto value = ParseDouble(text);
  if (!value || !(*value >= 0 && *value <= 1)) return false;
  *out = *value;
  return true;
}

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
        {"delete.retention.ms",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.delete_retention_ms); },
         0,
         kLongMax,
         {},
         "How long tombstones and transaction markers stay in a compacted topic."},
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
        {"max.compaction.lag.ms",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.max_compaction_lag_ms); },
         1,
         kLongMax,
         {},
         "The longest a record may stay uncompacted."},
        {"max.message.bytes",
         ConfigType::kInt,
         [](const ClusterProperties& c) { return std::to_string(c.kafka_batch_max_bytes); },
         0,
         kIntMax,
         {},
         "The largest record batch size allowed."},
        {"message.downconversion.enable", ConfigType::kBoolean, Fixed("true")},
        // Kafka 3.9 validates, stores and shows it, and ignores it: since 3.0 (KIP-724) the
        // record format follows the inter-broker protocol. Old tools and Terraform configs
        // still set it.
        {.name = "message.format.version",
         .type = ConfigType::kString,
         .default_value = Fixed("3.0-IV1"),
         .doc = "Deprecated and ignored, as in Kafka 3.x: records are always written in format v2.",
         .kafka_version = true},
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
        {"min.cleanable.dirty.ratio",
         ConfigType::kDouble,
         [](const ClusterProperties& c) { return FormatDouble(c.min_cleanable_dirty_ratio); },
         0,
         0,
         {},
         "The share of not yet compacted bytes at which a compacted log is cleaned."},
        {"min.compaction.lag.ms",
         ConfigType::kLong,
         [](const ClusterProperties& c) { return std::to_string(c.min_compaction_lag_ms); },
         0,
         kLongMax,
         {},
         "The shortest a record stays uncompacted."},
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

// The broker config a topic config defaults to, in Kafka's names (its synonym in
// DescribeConfigs). Kafka has no default under log.retention.ms and log.roll.ms (it derives them
// from log.retention.hours and log.roll.hours), so their synonyms show only run-time values;
// flush.ms and segment.jitter.ms have none at all.
struct BrokerSynonym {
  const char* topic;
  const char* name;
  bool has_default = true;
};

constexpr BrokerSynonym kBrokerSynonyms[] = {
    {"cleanup.policy", "log.cleanup.policy"},
    {"compression.type", "compression.type"},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms"},
    {"file.delete.delay.ms", "log.segment.delete.delay.ms"},
    {"flush.messages", "log.flush.interval.messages"},
    {"index.interval.bytes", "log.index.interval.bytes"},
    {"max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms"},
    {"max.message.bytes", "message.max.bytes"},
    {"message.downconversion.enable", "log.message.downconversion.enable"},
    {"message.format.version", "log.message.format.version"},
    {"message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms"},
    {"message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms"},
    {"message.timestamp.difference.max.ms", "log.message.timestamp.difference.max.ms"},
    {"message.timestamp.type", "log.message.timestamp.type"},
    {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"},
    {"min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"},
    {"min.insync.replicas", "min.insync.replicas"},
    {"preallocate", "log.preallocate"},
    {"retention.bytes", "log.retention.bytes"},
    {"retention.ms", "log.retention.ms", false},
    {"segment.bytes", "log.segment.bytes"},
    {"segment.index.bytes", "log.index.size.max.bytes"},
    {"segment.ms", "log.roll.ms", false},
    {"unclean.leader.election.enable", "unclean.leader.election.enable"},
};

const BrokerSynonym* FindBrokerSynonym(std::string_view topic_config) {
  for (const auto& s : kBrokerSynonyms) {
    if (topic_config == s.topic) return &s;
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
  if (spec.kafka_version && !IsKafkaMetadataVersion(value)) {
    return Invalid(spec.name, value, fmt::format("Version {} is not a valid version", value));
  }
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
    case ConfigType::kDouble:
      return IsDouble(value) ? Status::OK() : Invalid(spec.name, value, "Not a number");
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
  std::function<std::optional<std::string>(const BrokerConfig&)> get;
  // Parses and stores `value` into `cluster`; null for read-only configs.
  std::function<Status(std::string_view value, ClusterProperties& cluster)> set;
  // Kept only as the broker's persisted override, as Kafka keeps it: nothing in kpk reads it,
  // and `get` gives Kafka's default.
  bool stored_only = false;
  bool per_broker = false;
  bool sensitive = false;
  ConfigSource source_when_unset = ConfigSource::kStaticBroker;
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

// A broker config Kafka 3.9 accepts through AlterConfigs but kpk has no use for (it has no SASL):
// the value is checked as Kafka's ConfigDef parses its type, then only stored and shown.
BrokerConfigSpec StoredOnly(const char* name, ConfigType type,
                            std::optional<std::string> kafka_default, bool sensitive = false) {
  auto check = [name, type](std::string_view v, ClusterProperties&) -> Status {
    using Short = std::numeric_limits<int16_t>;
    auto n = ParseLong(v);
    const char* type_name = nullptr;
    if (type == ConfigType::kLong && !n) type_name = "LONG";
    if (type == ConfigType::kShort && !(n && *n >= Short::min() && *n <= Short::max())) {
      type_name = "SHORT";
    }
    if (type == ConfigType::kDouble && !IsDouble(v)) type_name = "DOUBLE";
    if (type_name == nullptr) return Status::OK();
    return Invalid(name, v, fmt::format("Not a number of type {}", type_name));
  };
  auto get = [kafka_default](const BrokerConfig&) { return kafka_default; };
  return {.name = name,
          .type = type,
          .dynamic = true,
          .get = get,
          .set = check,
          .stored_only = true,
          .per_broker = true,
          .sensitive = sensitive,
          .source_when_unset = ConfigSource::kDefault};
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
      // Ignored by Kafka 3.x (KIP-724) and not dynamic there either.
      {.name = "log.message.format.version",
       .type = ConfigType::kString,
       .dynamic = false,
       .get = [](const BrokerConfig&) { return std::string("3.0-IV1"); },
       .set = nullptr,
       .source_when_unset = ConfigSource::kDefault},
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
      // The log cleaner, with Kafka's names.
      {"log.cleaner.backoff.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.log_compaction_interval_ms); },
       SetNumber(&C::log_compaction_interval_ms, 1)},
      {"log.cleaner.delete.retention.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.delete_retention_ms); },
       SetNumber(&C::delete_retention_ms, 0)},
      {"log.cleaner.io.max.bytes.per.second", ConfigType::kDouble, true,
       [](const BrokerConfig& b) {
         const int64_t limit = b.cluster.log_cleaner_io_max_bytes_per_second;
         return limit > 0 ? FormatDouble(static_cast<double>(limit)) : "1.7976931348623157E308";
       },
       [](std::string_view v, C& c) -> Status {
         auto value = ParseDouble(v);
         if (!value || !(*value > 0)) {
           return Status::InvalidArgument(fmt::format("Invalid value {}", v));
         }
         // Kafka's default (Double.MAX_VALUE) and anything near it mean no limit.
         c.log_cleaner_io_max_bytes_per_second =
             *value >= 9.2e18 ? 0 : static_cast<int64_t>(*value);
         return Status::OK();
       }},
      {"log.cleaner.max.compaction.lag.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.max_compaction_lag_ms); },
       SetNumber(&C::max_compaction_lag_ms, 1)},
      {"log.cleaner.min.cleanable.ratio", ConfigType::kDouble, true,
       [](const BrokerConfig& b) { return FormatDouble(b.cluster.min_cleanable_dirty_ratio); },
       [](std::string_view v, C& c) -> Status {
         if (!ParseRatio(v, &c.min_cleanable_dirty_ratio)) {
           return Status::InvalidArgument(fmt::format("Invalid value {}", v));
         }
         return Status::OK();
       }},
      {"log.cleaner.min.compaction.lag.ms", ConfigType::kLong, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.min_compaction_lag_ms); },
       SetNumber(&C::min_compaction_lag_ms, 0)},
      {"message.max.bytes", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.kafka_batch_max_bytes); },
       SetNumber(&C::kafka_batch_max_bytes, 0)},
      {"num.partitions", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.default_topic_partitions); },
       SetNumber(&C::default_topic_partitions, 1)},
      // The SASL settings of Kafka's DynamicListenerConfig, in the order of its list.
      StoredOnly("sasl.mechanism.inter.broker.protocol", ConfigType::kString, "GSSAPI"),
      StoredOnly("sasl.jaas.config", ConfigType::kPassword, std::nullopt, /*sensitive=*/true),
      StoredOnly("sasl.enabled.mechanisms", ConfigType::kList, "GSSAPI"),
      StoredOnly("sasl.kerberos.service.name", ConfigType::kString, std::nullopt),
      StoredOnly("sasl.kerberos.kinit.cmd", ConfigType::kString, "/usr/bin/kinit"),
      StoredOnly("sasl.kerberos.ticket.renew.window.factor", ConfigType::kDouble, "0.8"),
      StoredOnly("sasl.kerberos.ticket.renew.jitter", ConfigType::kDouble, "0.05"),
      StoredOnly("sasl.kerberos.min.time.before.relogin", ConfigType::kLong, "60000"),
      StoredOnly("sasl.kerberos.principal.to.local.rules", ConfigType::kList, "DEFAULT"),
      StoredOnly("sasl.login.refresh.window.factor", ConfigType::kDouble, "0.8"),
      StoredOnly("sasl.login.refresh.window.jitter", ConfigType::kDouble, "0.05"),
      StoredOnly("sasl.login.refresh.min.period.seconds", ConfigType::kShort, "60"),
      StoredOnly("sasl.login.refresh.buffer.seconds", ConfigType::kShort, "300"),
      {"transaction.max.timeout.ms", ConfigType::kInt, true,
       [](const BrokerConfig& b) { return std::to_string(b.cluster.transaction_max_timeout_ms); },
       SetNumber(&C::transaction_max_timeout_ms, 1)},
  };
  return specs;
}

}  // namespace

std::vector<ConfigEntry> DescribeTopicConfigs(const ConfigOverrides& overrides,
                                              const ClusterProperties& cluster,
                                              const ClusterProperties& static_cluster,
                                              const BrokerOverrides& broker_overrides) {
  std::vector<ConfigEntry> out;
  for (const auto& spec : TopicSpecs()) {
    ConfigEntry e;
    e.name = spec.name;
    e.type = spec.type;
    e.documentation = spec.doc;
    auto it = overrides.find(spec.name);
    if (it != overrides.end()) {
      e.value = it->second;
      e.synonyms.push_back({spec.name, it->second, ConfigSource::kDynamicTopic});
    } else {
      e.value = spec.default_value(cluster);
    }
    if (const BrokerSynonym* broker = FindBrokerSynonym(spec.name)) {
      if (auto b = broker_overrides.node.find(broker->name); b != broker_overrides.node.end()) {
        e.synonyms.push_back({broker->name, b->second, ConfigSource::kDynamicBroker});
      }
      if (auto b = broker_overrides.cluster_default.find(broker->name);
          b != broker_overrides.cluster_default.end()) {
        e.synonyms.push_back({broker->name, b->second, ConfigSource::kDynamicDefaultBroker});
      }
      if (broker->has_default) {
        e.synonyms.push_back(
            {broker->name, spec.default_value(static_cluster), ConfigSource::kDefault});
      }
    }
    // Where the value comes from is the first synonym's level (Kafka's rule): a topic without an
    // override that inherits a broker config set at run time is not at its default.
    e.source = e.synonyms.empty() ? ConfigSource::kDefault : e.synonyms.front().source;
    out.push_back(std::move(e));
  }
  // Overrides the catalog does not know (accepted from an older kpk) are still reported.
  for (const auto& [name, value] : overrides) {
    if (FindTopicSpec(name)) continue;
    ConfigEntry e;
    e.name = name;
    e.value = value;
    e.source = ConfigSource::kDynamicTopic;
    e.type = ConfigType::kUnknown;
    e.synonyms.push_back({name, value, ConfigSource::kDynamicTopic});
    out.push_back(std::move(e));
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
                                               const ClusterProperties& static_cluster,
                                               const BrokerOverrides& overrides) {
  BrokerConfig statics = config;
  statics.cluster = static_cluster;
  std::vector<ConfigEntry> out;
  for (const auto& spec : BrokerSpecs()) {
    ConfigEntry e;
    e.name = spec.name;
    e.type = spec.type;
    e.read_only = !spec.dynamic;
    e.sensitive = spec.sensitive;
    // As Kafka lists them: this broker's override, the cluster default, the static value.
    if (auto it = overrides.node.find(spec.name); it != overrides.node.end()) {
      e.synonyms.push_back({spec.name, it->second, ConfigSource::kDynamicBroker});
    }
    if (auto it = overrides.cluster_default.find(spec.name);
        it != overrides.cluster_default.end()) {
      e.synonyms.push_back({spec.name, it->second, ConfigSource::kDynamicDefaultBroker});
    }
    e.synonyms.push_back({spec.name, spec.get(statics), spec.source_when_unset});
    e.source = e.synonyms.front().source;
    // Stored-only configs have no field to read the value back from.
    e.value = spec.stored_only ? e.synonyms.front().value : spec.get(config);
    if (spec.sensitive) {
      e.value.reset();
      for (auto& synonym : e.synonyms) synonym.value.reset();
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return out;
}

std::vector<ConfigEntry> DescribeDefaultBrokerConfigs(const BrokerOverrides& overrides) {
  std::vector<ConfigEntry> out;
  for (const auto& spec : BrokerSpecs()) {
    auto it = overrides.cluster_default.find(spec.name);
    if (it == overrides.cluster_default.end()) continue;
    ConfigEntry e;
    e.name = spec.name;
    e.type = spec.type;
    e.read_only = !spec.dynamic;
    e.sensitive = spec.sensitive;
    e.source = ConfigSource::kDynamicDefaultBroker;
    if (!spec.sensitive) e.value = it->second;
    e.synonyms.push_back({spec.name, e.value, e.source});
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return out;
}

bool IsPerBrokerConfig(std::string_view name) {
  return std::any_of(BrokerSpecs().begin(), BrokerSpecs().end(),
                     [name](const BrokerConfigSpec& s) { return s.per_broker && name == s.name; });
}

Status CheckDynamicBrokerConfig(std::string_view name) {
  for (const auto& spec : BrokerSpecs()) {
    if (name != spec.name) continue;
    if (!spec.set) {
      return Status::InvalidArgument(fmt::format("Cannot update {}: it is read-only", name));
    }
    return Status::OK();
  }
  return Status::InvalidArgument(fmt::format("Unknown broker config name: {}", name));
}

Status ApplyBrokerConfig(std::string_view name, std::string_view value,
                         ClusterProperties& cluster) {
  if (Status s = CheckDynamicBrokerConfig(name); !s.ok()) return s;
  for (const auto& spec : BrokerSpecs()) {
    if (name == spec.name) return spec.set(value, cluster);
  }
  return Status::OK();
}

std::optional<std::string> BrokerConfigText(std::string_view name,
                                            const ClusterProperties& cluster) {
  for (const auto& spec : BrokerSpecs()) {
    if (name != spec.name || !spec.set || spec.stored_only) continue;
    BrokerConfig config;
    config.cluster = cluster;
    return spec.get(config);
  }
  return std::nullopt;
}

}  // namespace core
}  // namespace kpk::broker
