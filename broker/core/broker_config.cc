#include "broker/core/broker_config.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

namespace kpk::broker {
inline namespace core {

HostPort BrokerConfig::Advertised() const {
  HostPort a = advertised_kafka_api.host.empty() ? kafka_api : advertised_kafka_api;
  if (a.port == 0) a.port = kafka_api.port;
  // Clients cannot connect to a wildcard address, so advertise loopback instead.
  if (a.host == "0.0.0.0" || a.host == "::") a.host = "127.0.0.1";
  return a;
}

namespace {

// redpanda.yaml writes listeners as a list of {address, port} (or a single map); we take the
// first.
Status ReadListener(const YAML::Node& node, HostPort& out) {
  YAML::Node n = node.IsSequence() ? (node.size() > 0 ? node[0] : YAML::Node()) : node;
  if (!n.IsMap()) return Status::InvalidArgument("listener must be {address, port}");
  if (n["address"]) out.host = n["address"].as<std::string>();
  if (n["port"]) out.port = n["port"].as<uint16_t>();
  return Status::OK();
}

template <typename T>
void ReadIf(const YAML::Node& section, const char* key, T& out) {
  if (section[key]) out = section[key].as<T>();
}

void ReadClusterProperties(const YAML::Node& rp, ClusterProperties& c) {
  ReadIf(rp, "auto_create_topics_enabled", c.auto_create_topics_enabled);
  ReadIf(rp, "default_topic_partitions", c.default_topic_partitions);
  ReadIf(rp, "default_topic_replications", c.default_topic_replications);
  ReadIf(rp, "log_retention_ms", c.log_retention_ms);
  ReadIf(rp, "retention_bytes", c.retention_bytes);
  ReadIf(rp, "log_segment_size", c.log_segment_size);
  ReadIf(rp, "log_segment_ms", c.log_segment_ms);
  ReadIf(rp, "kafka_batch_max_bytes", c.kafka_batch_max_bytes);
  ReadIf(rp, "log_cleanup_policy", c.log_cleanup_policy);
  ReadIf(rp, "log_message_timestamp_type", c.log_message_timestamp_type);
  ReadIf(rp, "group_min_session_timeout_ms", c.group_min_session_timeout_ms);
  ReadIf(rp, "group_max_session_timeout_ms", c.group_max_session_timeout_ms);
  ReadIf(rp, "group_initial_rebalance_delay", c.group_initial_rebalance_delay_ms);
  ReadIf(rp, "transaction_max_timeout_ms", c.transaction_max_timeout_ms);
  // kpk's own key (Redpanda has no equivalent): tests shorten it to see retention at work.
  ReadIf(rp, "retention_check_interval_ms", c.retention_check_interval_ms);
  ReadIf(rp, "min_cleanable_dirty_ratio", c.min_cleanable_dirty_ratio);
  ReadIf(rp, "delete_retention_ms", c.delete_retention_ms);
  ReadIf(rp, "tombstone_retention_ms", c.delete_retention_ms);  // Redpanda's name
  ReadIf(rp, "min_compaction_lag_ms", c.min_compaction_lag_ms);
  ReadIf(rp, "max_compaction_lag_ms", c.max_compaction_lag_ms);
  ReadIf(rp, "log_compaction_interval_ms", c.log_compaction_interval_ms);
  // kpk's own key, after Kafka's log.cleaner.io.max.bytes.per.second.
  ReadIf(rp, "log_cleaner_io_max_bytes_per_second", c.log_cleaner_io_max_bytes_per_second);
  ReadIf(rp, "storage_space_alert_free_threshold_percent",
         c.storage_space_alert_free_threshold_percent);
  ReadIf(rp, "storage_space_alert_free_threshold_bytes",
         c.storage_space_alert_free_threshold_bytes);
}

Status CheckClusterProperties(const ClusterProperties& c) {
  if (c.storage_space_alert_free_threshold_percent < 0 ||
      c.storage_space_alert_free_threshold_percent > 50) {
    return Status::InvalidArgument(
        fmt::format("storage_space_alert_free_threshold_percent must be 0 to 50, not {}",
                    c.storage_space_alert_free_threshold_percent));
  }
  if (c.storage_space_alert_free_threshold_bytes < 0) {
    return Status::InvalidArgument("storage_space_alert_free_threshold_bytes must not be negative");
  }
  return Status::OK();
}

}  // namespace

Status LoadBrokerConfigFile(const std::string& path, BrokerConfig& config) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    YAML::Node rp = root["redpanda"];
    if (!rp) return Status::OK();
    ReadIf(rp, "data_directory", config.data_directory);
    ReadIf(rp, "node_id", config.node_id);
    ReadIf(rp, "developer_mode", config.developer_mode);
    ReadIf(rp, "page_cache_tail_bytes", config.page_cache_tail_bytes);
    ReadIf(rp, "cluster_id", config.cluster_id);
    if (rp["kafka_api"]) {
      if (Status s = ReadListener(rp["kafka_api"], config.kafka_api); !s.ok()) return s;
    }
    if (rp["advertised_kafka_api"]) {
      Status s = ReadListener(rp["advertised_kafka_api"], config.advertised_kafka_api);
      if (!s.ok()) return s;
    }
    if (rp["admin"]) {
      if (Status s = ReadListener(rp["admin"], config.admin); !s.ok()) return s;
    }
    ReadClusterProperties(rp, config.cluster);
    // Redpanda also accepts cluster properties at the top level of the file.
    ReadClusterProperties(root, config.cluster);
    return CheckClusterProperties(config.cluster);
  } catch (const YAML::BadFile&) {
    return Status::NotFound(fmt::format("cannot read config file {}", path));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace core
}  // namespace kpk::broker
