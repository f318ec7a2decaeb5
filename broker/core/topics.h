// The broker's view of topics for the Kafka handlers: the Kafka rules (names, partition counts,
// replication factor, configs, auto-creation) on top of storage's LogManager, answering in
// Kafka error codes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/protocol/generated/error_code.h"
#include "broker/core/broker_config.h"
#include "broker/core/config_catalog.h"
#include "broker/storage/log_manager.h"

namespace kpk::broker::inline core {

struct TopicOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;  // for error_message fields; empty when error is kNone
  std::optional<storage::TopicMetadata> topic;

  bool ok() const { return error == protocol::ErrorCode::kNone; }
};

class Topics {
 public:
  Topics(storage::LogManager& logs, const BrokerConfig& config);

  std::vector<storage::TopicMetadata> List() const { return logs_.ListTopics(); }
  std::optional<storage::TopicMetadata> Find(std::string_view name) const;
  std::optional<storage::TopicMetadata> FindById(const protocol::Uuid& id) const;
  std::shared_ptr<storage::PartitionLog> Partition(std::string_view topic, int32_t index) const {
    return logs_.GetLog(topic, index);
  }

  // CreateTopics semantics: partitions/replication -1 take the broker defaults; replication
  // must be 1 on this single node; configs are validated against the catalog.
  TopicOutcome Create(std::string_view name, int32_t partitions, int16_t replication,
                      const ConfigOverrides& configs, bool validate_only);
  // Creates `name` with the defaults if auto-creation is enabled and `allowed` by the request.
  // UNKNOWN_TOPIC_OR_PARTITION when it may not be created.
  TopicOutcome FindOrAutoCreate(std::string_view name, bool allowed);
  protocol::ErrorCode Delete(std::string_view name);
  TopicOutcome CreatePartitions(std::string_view name, int32_t total, bool validate_only);
  // Replaces all of a topic's overrides after validating each.
  TopicOutcome SetConfigs(std::string_view name, const ConfigOverrides& configs,
                          bool validate_only);

  std::vector<ConfigEntry> DescribeConfigs(const storage::TopicMetadata& topic) const;

 private:
  storage::LogManager& logs_;
  const BrokerConfig& config_;
};

// Maps a storage Status to the Kafka error a client should see.
protocol::ErrorCode ErrorForStorage(const Status& status);

}  // namespace kpk::broker::core
