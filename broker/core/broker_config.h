// The dev broker's configuration: the node's own settings and the cluster properties, loaded
// from a YAML file in the shape of redpanda.yaml's `redpanda:` section and overridden by flags.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "broker/net/host_port.h"
#include "broker/storage/log_config.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace core {

// Cluster properties, named as Redpanda names them. Topic configs default to these.
struct ClusterProperties {
  bool auto_create_topics_enabled = false;
  int32_t default_topic_partitions = 1;
  int16_t default_topic_replications = 1;
  int64_t log_retention_ms = 7LL * 24 * 3600 * 1000;  // -1 keeps data forever
  int64_t retention_bytes = -1;
  int64_t log_segment_size = 128LL * 1024 * 1024;
  int64_t log_segment_ms = 14LL * 24 * 3600 * 1000;
  int32_t kafka_batch_max_bytes = 1024 * 1024;  // message.max.bytes
  std::string log_cleanup_policy = "delete";
  std::string log_message_timestamp_type = "CreateTime";
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 300000;
  // Kafka's and Redpanda's default: consumers started together join one first generation
  // instead of rebalancing once per arrival. `kpk dev start` sets 0, as Redpanda's dev mode does.
  int32_t group_initial_rebalance_delay_ms = 3000;
  int64_t transaction_max_timeout_ms = 15 * 60 * 1000;
  int64_t retention_check_interval_ms = 5000;
  // Log compaction: the defaults of the topic configs of the same Kafka names, and the cleaner.
  double min_cleanable_dirty_ratio = 0.5;
  int64_t delete_retention_ms = 86400000;
  int64_t min_compaction_lag_ms = 0;
  int64_t max_compaction_lag_ms = std::numeric_limits<int64_t>::max();
  int64_t log_compaction_interval_ms = 10000;       // Redpanda's default; Kafka's backoff is 15 s
  int64_t log_cleaner_io_max_bytes_per_second = 0;  // 0: unlimited, as in Kafka
  // The disk alert (health overview's high_disk_usage_nodes): free space in the data directory
  // at or under the larger of this percent of the disk and these bytes. Redpanda's names and
  // defaults; the percent is 0 to 50, as Redpanda bounds it.
  int32_t storage_space_alert_free_threshold_percent = 5;
  int64_t storage_space_alert_free_threshold_bytes = 0;
};

struct BrokerConfig {
  std::string data_directory = "./kpk-data";
  int32_t node_id = 0;
  HostPort kafka_api{"127.0.0.1", 9092};
  HostPort advertised_kafka_api;  // empty host: same as kafka_api
  HostPort admin{"127.0.0.1", 9644};
  bool developer_mode = false;  // skips fsync; said loudly at startup
  // Newest durable bytes of each partition kept in the page cache (storage::LogEnv); negative
  // leaves caching to the kernel. kpk's own node setting.
  int64_t page_cache_tail_bytes = storage::kDefaultPageCacheTailBytes;
  std::string cluster_id = "kpk-dev";
  // kpk's version, as the Admin API reports it ("v0.1.0 - <commit>", Redpanda's form); the
  // CLI that starts the broker fills it in from its build.
  std::string version = "unknown";
  ClusterProperties cluster;
  // Where storage and the broker's config file are written. Null: the real file system; tests
  // pass a fault-injecting one.
  FileSystem* file_system = nullptr;

  // The address clients are told to connect to (Metadata, FindCoordinator).
  HostPort Advertised() const;
};

// Reads a redpanda.yaml-shaped file into `config`, keeping values the file does not set.
// Unknown keys are ignored (a real redpanda.yaml has many); bad values are errors.
Status LoadBrokerConfigFile(const std::string& path, BrokerConfig& config);

}  // namespace core
}  // namespace kpk::broker
