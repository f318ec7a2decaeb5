#include "broker/core/cluster_properties.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <type_traits>

#include <fmt/core.h>

namespace kpk::broker {
inline namespace core {
namespace {

using C = ClusterProperties;
using nlohmann::json;

// A JSON integer, or a string holding one: rpk sends every scalar `set` is given as a string,
// and Redpanda reads the value as YAML, so "12345" is a number there too.
std::optional<int64_t> AsInteger(const json& j) {
  if (j.is_number_unsigned()) {
    if (j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(j.get<uint64_t>());
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (std::trunc(d) != d || std::fabs(d) > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

std::optional<bool> AsBool(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_string() && j == "true") return true;
  if (j.is_string() && j == "false") return false;
  return std::nullopt;
}

std::optional<double> AsNumber(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

Status ExpectedType(std::string_view type) {
  return Status::InvalidArgument(fmt::format("expected type {}", type));
}

template <auto Member>
json Get(const C& c) {
  return c.*Member;
}

// An integer property with kpk's lower bound and its C++ type's upper bound.
template <auto Member, int64_t Min>
Status SetInteger(const json& j, C& c) {
  using T = std::remove_cvref_t<decltype(c.*Member)>;
  std::optional<int64_t> n = AsInteger(j);
  if (!n) return ExpectedType("integer");
  if (*n < Min) {
    return Status::InvalidArgument(fmt::format("out of range: '{}' is below {}", *n, Min));
  }
  if (*n > static_cast<int64_t>(std::numeric_limits<T>::max())) {
    return Status::InvalidArgument(fmt::format("out of range: '{}'", *n));
  }
  c.*Member = static_cast<T>(*n);
  return Status::OK();
}

template <auto Member>
Status SetBool(const json& j, C& c) {
  std::optional<bool> b = AsBool(j);
  if (!b) return ExpectedType("boolean");
  c.*Member = *b;
  return Status::OK();
}

// A string checked as the topic config it is the default of (cleanup.policy, ...).
template <auto Member, const char* TopicConfig>
Status SetTopicDefault(const json& j, C& c) {
  if (!j.is_string()) return ExpectedType("string");
  const std::string& v = j.get_ref<const std::string&>();
  if (Status s = ValidateTopicConfig(TopicConfig, v); !s.ok()) return s;
  c.*Member = v;
  return Status::OK();
}

Status SetDirtyRatio(const json& j, C& c) {
  std::optional<double> d = AsNumber(j);
  if (!d) return ExpectedType("number");
  if (!(*d >= 0 && *d <= 1)) {
    return Status::InvalidArgument(fmt::format("out of range: '{}' is not within [0, 1]", *d));
  }
  c.min_cleanable_dirty_ratio = *d;
  return Status::OK();
}

// Redpanda's retention_bytes is null for "no limit"; kpk keeps Kafka's -1.
json GetRetentionBytes(const C& c) {
  return c.retention_bytes < 0 ? json(nullptr) : json(c.retention_bytes);
}

// Redpanda bounds the alert's percent to 0..50.
Status SetAlertPercent(const json& j, C& c) {
  std::optional<int64_t> n = AsInteger(j);
  if (n && *n > 50)
    return Status::InvalidArgument(fmt::format("out of range: '{}' is above 50", *n));
  return SetInteger<&C::storage_space_alert_free_threshold_percent, 0>(j, c);
}

Status SetRetentionBytes(const json& j, C& c) {
  if (j.is_null()) {
    c.retention_bytes = -1;
    return Status::OK();
  }
  return SetInteger<&C::retention_bytes, -1>(j, c);
}

constexpr char kCleanupPolicy[] = "cleanup.policy";
constexpr char kTimestampType[] = "message.timestamp.type";

const std::vector<ClusterPropertySpec> kSpecs = {
    {.name = "auto_create_topics_enabled",
     .kafka_name = "auto.create.topics.enable",
     .type = "boolean",
     .description = "Create a topic when a client produces to, or asks Metadata for, a topic that "
                    "does not exist.",
     .get = Get<&C::auto_create_topics_enabled>,
     .set = SetBool<&C::auto_create_topics_enabled>},
    {.name = "default_topic_partitions",
     .kafka_name = "num.partitions",
     .type = "integer",
     .description = "Partitions of a new topic that does not give its own count.",
     .get = Get<&C::default_topic_partitions>,
     .set = SetInteger<&C::default_topic_partitions, 1>},
    // Kafka's default.replication.factor is read-only, so this one is kept under its own name.
    {.name = "default_topic_replications",
     .type = "integer",
     .description = "Replication factor of a new topic that does not give its own; a single "
                    "kpk broker creates topics with 1 only.",
     .get = Get<&C::default_topic_replications>,
     .set = SetInteger<&C::default_topic_replications, 1>},
    {.name = "group_initial_rebalance_delay",
     .kafka_name = "group.initial.rebalance.delay.ms",
     .type = "integer",
     .description = "How long a new, empty group waits for more members before its first "
                    "rebalance completes.",
     .visibility = "tunable",
     .units = "ms",
     .get = Get<&C::group_initial_rebalance_delay_ms>,
     .set = SetInteger<&C::group_initial_rebalance_delay_ms, 0>},
    {.name = "group_max_session_timeout_ms",
     .kafka_name = "group.max.session.timeout.ms",
     .type = "integer",
     .description = "The longest session timeout a consumer group member may ask for.",
     .units = "ms",
     .get = Get<&C::group_max_session_timeout_ms>,
     .set = SetInteger<&C::group_max_session_timeout_ms, 1>},
    {.name = "group_min_session_timeout_ms",
     .kafka_name = "group.min.session.timeout.ms",
     .type = "integer",
     .description = "The shortest session timeout a consumer group member may ask for.",
     .units = "ms",
     .get = Get<&C::group_min_session_timeout_ms>,
     .set = SetInteger<&C::group_min_session_timeout_ms, 1>},
    {.name = "kafka_batch_max_bytes",
     .kafka_name = "message.max.bytes",
     .type = "integer",
     .description = "The largest record batch a produce may append (after compression); topics "
                    "without max.message.bytes use it.",
     .visibility = "tunable",
     .units = "bytes",
     .get = Get<&C::kafka_batch_max_bytes>,
     .set = SetInteger<&C::kafka_batch_max_bytes, 0>},
    {.name = "log_cleaner_io_max_bytes_per_second",
     .kafka_name = "log.cleaner.io.max.bytes.per.second",
     .type = "integer",
     .description = "The log cleaner's read and write rate limit; 0 for no limit.",
     .visibility = "tunable",
     .units = "bytes",
     .get = Get<&C::log_cleaner_io_max_bytes_per_second>,
     .set = SetInteger<&C::log_cleaner_io_max_bytes_per_second, 0>},
    {.name = "log_cleanup_policy",
     .kafka_name = "log.cleanup.policy",
     .type = "string",
     .description = "Cleanup policy of topics without cleanup.policy: delete, compact, or "
                    "compact,delete.",
     .example = "compact,delete",
     .get = Get<&C::log_cleanup_policy>,
     .set = SetTopicDefault<&C::log_cleanup_policy, kCleanupPolicy>},
    {.name = "log_compaction_interval_ms",
     .kafka_name = "log.cleaner.backoff.ms",
     .type = "integer",
     .description = "How often the log cleaner looks for partitions to compact.",
     .units = "ms",
     .get = Get<&C::log_compaction_interval_ms>,
     .set = SetInteger<&C::log_compaction_interval_ms, 1>},
    {.name = "log_message_timestamp_type",
     .kafka_name = "log.message.timestamp.type",
     .type = "string",
     .description = "Timestamp type of topics without message.timestamp.type: the producer's "
                    "(CreateTime) or the broker's (LogAppendTime).",
     .example = "LogAppendTime",
     .enum_values = {"CreateTime", "LogAppendTime"},
     .get = Get<&C::log_message_timestamp_type>,
     .set = SetTopicDefault<&C::log_message_timestamp_type, kTimestampType>},
    {.name = "log_retention_ms",
     .kafka_name = "log.retention.ms",
     .type = "integer",
     .description = "How long topics without retention.ms keep data before old segments are "
                    "deleted; -1 keeps it forever.",
     .units = "ms",
     .get = Get<&C::log_retention_ms>,
     .set = SetInteger<&C::log_retention_ms, -1>},
    {.name = "log_segment_ms",
     .kafka_name = "log.roll.ms",
     .type = "integer",
     .description = "Age at which the active segment of topics without segment.ms is rolled.",
     .units = "ms",
     .example = "3600000",
     .get = Get<&C::log_segment_ms>,
     .set = SetInteger<&C::log_segment_ms, 1>},
    {.name = "log_segment_size",
     .kafka_name = "log.segment.bytes",
     .type = "integer",
     .description = "Size at which the active segment of topics without segment.bytes is rolled.",
     .units = "bytes",
     .get = Get<&C::log_segment_size>,
     .set = SetInteger<&C::log_segment_size, 14>},
    {.name = "max_compaction_lag_ms",
     .kafka_name = "log.cleaner.max.compaction.lag.ms",
     .type = "integer",
     .description = "The longest a record of a compacted topic may stay uncompacted.",
     .units = "ms",
     .get = Get<&C::max_compaction_lag_ms>,
     .set = SetInteger<&C::max_compaction_lag_ms, 1>},
    {.name = "min_cleanable_dirty_ratio",
     .kafka_name = "log.cleaner.min.cleanable.ratio",
     .type = "number",
     .description = "Share of not yet compacted bytes at which a compacted partition is cleaned.",
     .get = Get<&C::min_cleanable_dirty_ratio>,
     .set = SetDirtyRatio},
    {.name = "min_compaction_lag_ms",
     .kafka_name = "log.cleaner.min.compaction.lag.ms",
     .type = "integer",
     .description = "The shortest a record of a compacted topic stays uncompacted.",
     .units = "ms",
     .get = Get<&C::min_compaction_lag_ms>,
     .set = SetInteger<&C::min_compaction_lag_ms, 0>},
    // Kafka's log.retention.check.interval.ms is read-only, and kpk reads this one at startup.
    {.name = "retention_check_interval_ms",
     .type = "integer",
     .description = "How often retention deletes old segments.",
     .needs_restart = true,
     .visibility = "tunable",
     .units = "ms",
     .get = Get<&C::retention_check_interval_ms>,
     .set = SetInteger<&C::retention_check_interval_ms, 1>},
    {.name = "retention_bytes",
     .kafka_name = "log.retention.bytes",
     .type = "integer",
     .description = "Size a partition of a topic without retention.bytes may grow to before old "
                    "segments are deleted; null for no limit.",
     .units = "bytes",
     .nullable = true,
     .get = GetRetentionBytes,
     .set = SetRetentionBytes},
    {.name = "storage_space_alert_free_threshold_bytes",
     .type = "integer",
     .description = "Free space on the data directory's disk at or under which the node is in "
                    "high_disk_usage_nodes (with the percent: the larger wins); 0 for none.",
     .units = "bytes",
     .get = Get<&C::storage_space_alert_free_threshold_bytes>,
     .set = SetInteger<&C::storage_space_alert_free_threshold_bytes, 0>},
    {.name = "storage_space_alert_free_threshold_percent",
     .type = "integer",
     .description = "Free space on the data directory's disk, in percent of its size, at or "
                    "under which the node is in high_disk_usage_nodes; 0 to 50.",
     .get = Get<&C::storage_space_alert_free_threshold_percent>,
     .set = SetAlertPercent},
    {.name = "tombstone_retention_ms",
     .kafka_name = "log.cleaner.delete.retention.ms",
     .type = "integer",
     .description = "How long tombstones stay in a compacted topic without delete.retention.ms.",
     .units = "ms",
     .get = Get<&C::delete_retention_ms>,
     .set = SetInteger<&C::delete_retention_ms, 0>},
    {.name = "transaction_max_timeout_ms",
     .kafka_name = "transaction.max.timeout.ms",
     .type = "integer",
     .description = "The longest transaction timeout a transactional producer may ask for.",
     .visibility = "tunable",
     .units = "ms",
     .get = Get<&C::transaction_max_timeout_ms>,
     .set = SetInteger<&C::transaction_max_timeout_ms, 1>},
};

// The text a property is stored as, taken from `cluster`.
std::string StoreText(const ClusterPropertySpec& spec, const ClusterProperties& cluster) {
  if (spec.kafka_name.empty()) return spec.get(cluster).dump();
  return BrokerConfigText(spec.kafka_name, cluster).value_or("");
}

}  // namespace

const std::vector<ClusterPropertySpec>& ClusterPropertySpecs() { return kSpecs; }

const ClusterPropertySpec* FindClusterProperty(std::string_view name) {
  for (const auto& spec : kSpecs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string_view StoreKey(const ClusterPropertySpec& spec) {
  return spec.kafka_name.empty() ? spec.name : spec.kafka_name;
}

std::string PropertyNameOf(std::string_view key) {
  for (const auto& spec : kSpecs) {
    if (StoreKey(spec) == key) return std::string(spec.name);
  }
  return std::string(key);
}

Status ApplyStoredConfig(std::string_view key, std::string_view value, ClusterProperties& cluster) {
  const ClusterPropertySpec* spec = FindClusterProperty(key);
  if (spec == nullptr || !spec->kafka_name.empty()) return ApplyBrokerConfig(key, value, cluster);
  json j = json::parse(value, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument(fmt::format("not JSON: {}", value));
  return spec->set(j, cluster);
}

void KeepRestartValues(const ClusterProperties& running, ClusterProperties& next) {
  for (const auto& spec : kSpecs) {
    if (spec.needs_restart) (void)spec.set(spec.get(running), next);
  }
}

std::vector<std::string> PendingRestart(const ClusterProperties& running,
                                        const ClusterProperties& configured) {
  std::vector<std::string> out;
  for (const auto& spec : kSpecs) {
    if (spec.needs_restart && spec.get(running) != spec.get(configured)) {
      out.emplace_back(spec.name);
    }
  }
  return out;
}

std::map<std::string, std::string> PatchClusterStore(const ClusterConfigPatch& patch,
                                                     const ClusterProperties& configured,
                                                     ConfigOverrides& store) {
  std::map<std::string, std::string> errors;
  ConfigOverrides next = store;
  for (const auto& [name, value] : patch.upsert) {
    const ClusterPropertySpec* spec = FindClusterProperty(name);
    if (spec == nullptr) {
      errors[name] = "Unknown property";
      continue;
    }
    ClusterProperties scratch = configured;
    if (Status s = spec->set(value, scratch); !s.ok()) {
      errors[name] = s.message();
      continue;
    }
    std::string text = StoreText(*spec, scratch);
    // The store must load again at startup: check the text as it will be read back.
    ClusterProperties check = configured;
    if (Status s = ApplyStoredConfig(StoreKey(*spec), text, check); !s.ok()) {
      errors[name] = s.message();
      continue;
    }
    next[std::string(StoreKey(*spec))] = std::move(text);
  }
  for (const auto& name : patch.remove) {
    const ClusterPropertySpec* spec = FindClusterProperty(name);
    if (spec == nullptr) {
      errors[name] = "Unknown property";
      continue;
    }
    next.erase(std::string(StoreKey(*spec)));
  }
  if (errors.empty()) store = std::move(next);
  return errors;
}

json ClusterConfigJson(const ClusterProperties& configured, bool only_changed) {
  const ClusterProperties defaults;
  json out = json::object();
  for (const auto& spec : kSpecs) {
    json value = spec.get(configured);
    if (only_changed && value == spec.get(defaults)) continue;
    out[std::string(spec.name)] = std::move(value);
  }
  return out;
}

json ClusterConfigSchemaJson() {
  const ClusterProperties defaults;
  json properties = json::object();
  for (const auto& spec : kSpecs) {
    json p = {{"type", spec.type},         {"description", spec.description},
              {"nullable", spec.nullable}, {"needs_restart", spec.needs_restart},
              {"is_secret", false},        {"visibility", spec.visibility},
              {"aliases", json::array()},  {"default", spec.get(defaults)}};
    if (!spec.units.empty()) p["units"] = spec.units;
    if (!spec.example.empty()) p["example"] = spec.example;
    if (!spec.enum_values.empty()) p["enum_values"] = spec.enum_values;
    properties[std::string(spec.name)] = std::move(p);
  }
  return {{"properties", std::move(properties)}};
}

}  // namespace core
}  // namespace kpk::broker
