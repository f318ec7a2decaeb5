// The broker's view of topics for the Kafka handlers: the Kafka rules (names, partition counts,
// replication factor, configs, auto-creation) on top of storage's LogManager, answering in
// Kafka error codes. Operations that write to disk do so on the BlockingWorker, one at a time
// per topic (AdminTurns), and change what the handlers see only once the disk is done.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/admin_turns.h"
#include "broker/core/blocking.h"
#include "broker/core/broker_config.h"
#include "broker/core/config_catalog.h"
#include "broker/protocol/generated/error_code.h"
#include "broker/storage/log_manager.h"

namespace kpk::broker {
inline namespace core {

struct TopicOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;  // for error_message fields; empty when error is kNone
  std::optional<storage::TopicMetadata> topic;

  bool ok() const { return error == protocol::ErrorCode::kNone; }
};

class Topics {
 public:
  Topics(storage::LogManager& logs, const BrokerConfig& config, BlockingWorker& worker,
         AdminTurns& turns);

  std::vector<storage::TopicMetadata> List() const { return logs_.ListTopics(); }
  std::optional<storage::TopicMetadata> Find(std::string_view name) const;
  std::optional<storage::TopicMetadata> FindById(const protocol::Uuid& id) const;
  std::shared_ptr<storage::PartitionLog> Partition(std::string_view topic, int32_t index) const {
    return logs_.GetLog(topic, index);
  }
  // Why Partition() gave no log: KAFKA_STORAGE_ERROR for a partition the topic has but storage
  // could not open (offline, as Kafka answers for a failed log directory), else
  // UNKNOWN_TOPIC_OR_PARTITION.
  protocol::ErrorCode MissingPartitionError(std::string_view topic, int32_t index) const;
  // Offline: not opened at startup, or its data found corrupt (PartitionLog::unservable).
  bool Offline(std::string_view topic, int32_t index) const;

  // CreateTopics semantics: partitions/replication -1 take the broker defaults; replication
  // must be 1 on this single node; configs are validated against the catalog. The name is
  // reserved at once: while the topic is being created (or deleted) a second creation gets
  // TOPIC_ALREADY_EXISTS, and nothing finds the topic until it is on disk.
  Awaitable<TopicOutcome> Create(std::string name, int32_t partitions, int16_t replication,
                                 ConfigOverrides configs, bool validate_only);
  // Creates `name` with the defaults if auto-creation is enabled and `allowed` by the request.
  // UNKNOWN_TOPIC_OR_PARTITION when it may not be created.
  Awaitable<TopicOutcome> FindOrAutoCreate(std::string name, bool allowed);
  Awaitable<protocol::ErrorCode> Delete(std::string name);
  Awaitable<TopicOutcome> CreatePartitions(std::string name, int32_t total, bool validate_only);

  // Config changes take the topic's turn, read its current overrides (Find), then SetConfigs.
  Awaitable<AdminTurns::Turn> TakeTurn(std::string name) { return turns_.Take(std::move(name)); }
  // Replaces all of a topic's overrides after validating each. `turn` is the caller's, held
  // since it read the overrides.
  Awaitable<TopicOutcome> SetConfigs(const AdminTurns::Turn& turn, std::string name,
                                     ConfigOverrides configs, bool validate_only);

  // The topic's configs; those it does not override follow the broker's (`static_cluster` and
  // `broker_overrides` name where a value comes from).
  std::vector<ConfigEntry> DescribeConfigs(const storage::TopicMetadata& topic,
                                           const ClusterProperties& static_cluster,
                                           const BrokerOverrides& broker_overrides) const;

 private:
  TopicOutcome Validate(std::string_view name, int32_t& partitions, int16_t& replication,
                        const ConfigOverrides& configs) const;
  // CreatePartitions' rules; the topic as it is when they hold.
  TopicOutcome CheckGrowth(std::string_view name, int32_t total) const;
  // Runs a storage step that works on `plan` on the worker.
  template <typename Plan, typename Step>
  Awaitable<Status> OffLoop(Plan& plan, Step step);

  storage::LogManager& logs_;
  const BrokerConfig& config_;
  BlockingWorker& worker_;
  AdminTurns& turns_;
};

// Maps a storage Status to the Kafka error a client should see.
protocol::ErrorCode ErrorForStorage(const Status& status);

}  // namespace core
}  // namespace kpk::broker
