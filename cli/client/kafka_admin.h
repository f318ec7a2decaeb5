// Kafka admin requests over librdkafka's C Admin API: topics, partitions, configs, records.
// Each call waits at most the client's command timeout and returns per-item results; a
// request that fails as a whole is an error Status.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/client/kafka_client.h"

namespace kpk::cli {
inline namespace client {

// The outcome for one named item (topic, group) of a batch request.
struct ItemResult {
  std::string name;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;  // the broker's message or librdkafka's description; empty when OK
  bool ok() const { return err == RD_KAFKA_RESP_ERR_NO_ERROR; }
};

// Sends one admin request on a private queue and waits for its result event.
using AdminIssuer =
    std::function<void(rd_kafka_t*, const rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>;
Result<EventPtr> RunAdmin(Client& client, rd_kafka_admin_op_t op, bool validate_only,
                          const AdminIssuer& issue);

struct NewTopicSpec {
  std::string name;
  int partitions = -1;   // -1 = broker default
  int replication = -1;  // -1 = broker default
  std::vector<std::pair<std::string, std::string>> configs;
};
Result<std::vector<ItemResult>> CreateTopics(Client& client,
                                             const std::vector<NewTopicSpec>& topics,
                                             bool validate_only);
Result<std::vector<ItemResult>> DeleteTopics(Client& client,
                                             const std::vector<std::string>& topics);
// Grows each topic to `total` partitions.
Result<std::vector<ItemResult>> CreatePartitions(
    Client& client, const std::vector<std::pair<std::string, int>>& totals, bool validate_only);

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // nullopt when the broker reports null
  std::string source;                // e.g. DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG
  bool sensitive = false;
  bool read_only = false;
  bool is_default = false;
};
struct ResourceConfig {
  ItemResult result;
  std::vector<ConfigEntry> entries;  // sorted by name
};
Result<std::vector<ResourceConfig>> DescribeTopicConfigs(Client& client,
                                                         const std::vector<std::string>& topics);

// Replaces the dynamic configs of each topic with the given set (non-incremental AlterConfigs:
// keys left out revert to their defaults).
struct TopicConfigSet {
  std::string topic;
  std::vector<std::pair<std::string, std::string>> configs;
};
Result<std::vector<ItemResult>> AlterTopicConfigs(Client& client,
                                                  const std::vector<TopicConfigSet>& sets,
                                                  bool validate_only);

// Deletes records below each offset; the result offsets are the new log start offsets.
Result<std::vector<PartitionOffset>> DeleteRecords(Client& client,
                                                   const std::vector<PartitionOffset>& before);

}  // namespace client
}  // namespace kpk::cli
