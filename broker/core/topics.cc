#include "broker/core/topics.h"

#include <fmt/core.h>

namespace kpk::broker::inline core {

using protocol::ErrorCode;

namespace {

TopicOutcome Failure(ErrorCode error, std::string message) {
  return TopicOutcome{error, std::move(message), std::nullopt};
}

TopicOutcome ValidateConfigs(const ConfigOverrides& configs) {
  for (const auto& [name, value] : configs) {
    if (Status s = ValidateTopicConfig(name, value); !s.ok()) {
      return Failure(ErrorCode::kInvalidConfig, s.message());
    }
  }
  return {};
}

}  // namespace

ErrorCode ErrorForStorage(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return ErrorCode::kNone;
    case Status::Code::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case Status::Code::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case Status::Code::kInvalidArgument:
      return ErrorCode::kInvalidRequest;
    case Status::Code::kUnavailable:
      return ErrorCode::kBrokerNotAvailable;
    default:
      return ErrorCode::kKafkaStorageError;
  }
}

Topics::Topics(storage::LogManager& logs, const BrokerConfig& config)
    : logs_(logs), config_(config) {}

std::optional<storage::TopicMetadata> Topics::Find(std::string_view name) const {
  auto t = logs_.DescribeTopic(name);
  if (!t) return std::nullopt;
  return *t;
}

std::optional<storage::TopicMetadata> Topics::FindById(const protocol::Uuid& id) const {
  auto name = logs_.TopicNameForId(id);
  return name ? Find(*name) : std::nullopt;
}

TopicOutcome Topics::Create(std::string_view name, int32_t partitions, int16_t replication,
                            const ConfigOverrides& configs, bool validate_only) {
  if (Status s = storage::ValidateTopicName(name); !s.ok()) {
    return Failure(ErrorCode::kInvalidTopicException, s.message());
  }
  if (Find(name)) {
    return Failure(ErrorCode::kTopicAlreadyExists, fmt::format("Topic '{}' already exists.", name));
  }
  if (partitions == -1) partitions = config_.cluster.default_topic_partitions;
  if (partitions <= 0 || partitions > storage::kMaxPartitions) {
    return Failure(
        ErrorCode::kInvalidPartitions,
        fmt::format("Number of partitions must be between 1 and {}.", storage::kMaxPartitions));
  }
  if (replication == -1) replication = config_.cluster.default_topic_replications;
  if (replication != 1) {
    return Failure(
        ErrorCode::kInvalidReplicationFactor,
        fmt::format("Replication factor {} is larger than the 1 available broker.", replication));
  }
  if (auto invalid = ValidateConfigs(configs); !invalid.ok()) return invalid;
  if (validate_only) {
    storage::TopicMetadata would_be{std::string(name), {}, partitions, {}};
    for (const auto& [k, v] : configs) would_be.configs.emplace(k, v);
    return TopicOutcome{ErrorCode::kNone, "", std::move(would_be)};
  }
  storage::ConfigMap overrides(configs.begin(), configs.end());
  auto created = logs_.CreateTopic(name, partitions, overrides);
  if (!created) {
    ErrorCode e = created.error().code() == Status::Code::kInvalidArgument
                      ? ErrorCode::kInvalidConfig
                      : ErrorForStorage(created.error());
    return Failure(e, created.error().message());
  }
  return TopicOutcome{ErrorCode::kNone, "", std::move(*created)};
}

TopicOutcome Topics::FindOrAutoCreate(std::string_view name, bool allowed) {
  if (auto t = Find(name)) return TopicOutcome{ErrorCode::kNone, "", std::move(*t)};
  if (!allowed || !config_.cluster.auto_create_topics_enabled) {
    return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  }
  TopicOutcome created = Create(name, -1, -1, {}, false);
  if (created.error == ErrorCode::kTopicAlreadyExists) return FindOrAutoCreate(name, false);
  return created;
}

ErrorCode Topics::Delete(std::string_view name) {
  if (!Find(name)) return ErrorCode::kUnknownTopicOrPartition;
  return ErrorForStorage(logs_.DeleteTopic(name));
}

TopicOutcome Topics::CreatePartitions(std::string_view name, int32_t total, bool validate_only) {
  auto topic = Find(name);
  if (!topic) return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  if (total <= topic->partitions || total > storage::kMaxPartitions) {
    return Failure(ErrorCode::kInvalidPartitions,
                   fmt::format("Topic currently has {} partitions, which is higher than or equal "
                               "to the requested {}.",
                               topic->partitions, total));
  }
  if (validate_only) return TopicOutcome{ErrorCode::kNone, "", std::move(*topic)};
  if (Status s = logs_.CreatePartitions(name, total); !s.ok()) {
    return Failure(ErrorForStorage(s), s.message());
  }
  return TopicOutcome{ErrorCode::kNone, "", Find(name)};
}

TopicOutcome Topics::SetConfigs(std::string_view name, const ConfigOverrides& configs,
                                bool validate_only) {
  if (!Find(name)) return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  if (auto invalid = ValidateConfigs(configs); !invalid.ok()) return invalid;
  if (validate_only) return {};
  storage::ConfigMap overrides(configs.begin(), configs.end());
  if (Status s = logs_.SetTopicConfigs(name, overrides); !s.ok()) {
    ErrorCode e =
        s.code() == Status::Code::kInvalidArgument ? ErrorCode::kInvalidConfig : ErrorForStorage(s);
    return Failure(e, s.message());
  }
  return {};
}

std::vector<ConfigEntry> Topics::DescribeConfigs(const storage::TopicMetadata& topic) const {
  ConfigOverrides overrides(topic.configs.begin(), topic.configs.end());
  return DescribeTopicConfigs(overrides, config_.cluster);
}

}  // namespace kpk::broker::core
