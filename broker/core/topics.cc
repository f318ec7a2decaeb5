#include "broker/core/topics.h"

#include <fmt/core.h>

// GCC sees the coroutine frame of CreatePartitions allocated by Asio's recycling allocator
// (aligned_alloc) and freed by the frame's class operator delete, which hands it back to that
// allocator; the pairing is right, the warning a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace kpk::broker {
inline namespace core {

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

namespace {

// Storage says kInvalidArgument for a config value it cannot use.
TopicOutcome ConfigFailure(const Status& s) {
  ErrorCode e =
      s.code() == Status::Code::kInvalidArgument ? ErrorCode::kInvalidConfig : ErrorForStorage(s);
  return Failure(e, s.message());
}

}  // namespace

protocol::ErrorCode Topics::MissingPartitionError(std::string_view topic, int32_t index) const {
  auto found = Find(topic);
  const bool exists = found && index >= 0 && index < found->partitions;
  return exists ? ErrorCode::kKafkaStorageError : ErrorCode::kUnknownTopicOrPartition;
}

bool Topics::Offline(std::string_view topic, int32_t index) const {
  auto log = Partition(topic, index);
  return log ? !log->unservable().ok()
             : MissingPartitionError(topic, index) == ErrorCode::kKafkaStorageError;
}

Topics::Topics(storage::LogManager& logs, const BrokerConfig& config, BlockingWorker& worker,
               AdminTurns& turns)
    : logs_(logs), config_(config), worker_(worker), turns_(turns) {}

std::optional<storage::TopicMetadata> Topics::Find(std::string_view name) const {
  auto t = logs_.DescribeTopic(name);
  if (!t) return std::nullopt;
  return *t;
}

std::optional<storage::TopicMetadata> Topics::FindById(const protocol::Uuid& id) const {
  auto name = logs_.TopicNameForId(id);
  return name ? Find(*name) : std::nullopt;
}

template <typename Plan, typename Step>
Awaitable<Status> Topics::OffLoop(Plan& plan, Step step) {
  // The plan stays in the caller's frame, which waits; only the worker touches it meanwhile.
  auto job = [&logs = logs_, &plan, step] { return step(logs, plan); };
  Status done = co_await RunBlocking(worker_, std::move(job));
  co_return done;
}

TopicOutcome Topics::Validate(std::string_view name, int32_t& partitions, int16_t& replication,
                              const ConfigOverrides& configs) const {
  if (Status s = storage::ValidateTopicName(name); !s.ok()) {
    return Failure(ErrorCode::kInvalidTopicException, s.message());
  }
  if (Find(name) || turns_.Busy(name)) {
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
  return ValidateConfigs(configs);
}

Awaitable<TopicOutcome> Topics::Create(std::string name, int32_t partitions, int16_t replication,
                                       ConfigOverrides configs, bool validate_only) {
  if (auto invalid = Validate(name, partitions, replication, configs); !invalid.ok()) {
    co_return invalid;
  }
  storage::ConfigMap overrides(configs.begin(), configs.end());
  if (validate_only) {
    co_return TopicOutcome{ErrorCode::kNone, "",
                           storage::TopicMetadata{name, {}, partitions, std::move(overrides)}};
  }
  // Not busy (Validate): taken at once, so nothing comes between the check and the reservation.
  AdminTurns::Turn reserved = co_await turns_.Take(name);
  auto plan = logs_.PlanTopic(name, partitions, overrides);
  if (!plan) co_return ConfigFailure(plan.error());
  Status built = co_await OffLoop(
      *plan, [](storage::LogManager& logs, auto& topic) { return logs.BuildTopic(topic); });
  if (!built.ok()) co_return ConfigFailure(built);
  storage::TopicMetadata metadata = plan->metadata;
  if (Status s = logs_.AddTopic(std::move(*plan)); !s.ok()) {
    co_return Failure(ErrorForStorage(s), s.message());
  }
  co_return TopicOutcome{ErrorCode::kNone, "", std::move(metadata)};
}

Awaitable<TopicOutcome> Topics::FindOrAutoCreate(std::string name, bool allowed) {
  if (auto t = Find(name)) co_return TopicOutcome{ErrorCode::kNone, "", std::move(*t)};
  if (!allowed || !config_.cluster.auto_create_topics_enabled) {
    co_return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  }
  TopicOutcome created = co_await Create(name, -1, -1, {}, false);
  if (created.error == ErrorCode::kTopicAlreadyExists) {
    // Created meanwhile, or still being created or deleted by another request.
    if (auto t = Find(name)) co_return TopicOutcome{ErrorCode::kNone, "", std::move(*t)};
    co_return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  }
  co_return created;
}

Awaitable<ErrorCode> Topics::Delete(std::string name) {
  std::optional<storage::LogManager::TopicRemoval> removal;
  {
    AdminTurns::Turn turn = co_await turns_.Take(name);
    auto planned = logs_.PlanRemoval(name);
    if (!planned) co_return ErrorForStorage(planned.error());
    Status moved = co_await OffLoop(
        *planned, [](storage::LogManager& logs, auto& r) { return logs.MoveToTrash(r); });
    if (!moved.ok()) co_return ErrorForStorage(moved);
    logs_.DropTopic(*planned);
    removal = std::move(*planned);
  }
  // The name is free again; only files nothing refers to are left.
  auto empty_trash = [&logs = logs_, r = std::move(*removal)] {
    logs.EmptyTrash(r);
    return true;
  };
  co_await RunBlocking(worker_, std::move(empty_trash));
  co_return ErrorCode::kNone;
}

TopicOutcome Topics::CheckGrowth(std::string_view name, int32_t total) const {
  auto topic = Find(name);
  if (!topic) return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  if (total <= topic->partitions || total > storage::kMaxPartitions) {
    return Failure(ErrorCode::kInvalidPartitions,
                   fmt::format("Topic currently has {} partitions, which is higher than or equal "
                               "to the requested {}.",
                               topic->partitions, total));
  }
  return TopicOutcome{ErrorCode::kNone, "", std::move(*topic)};
}

Awaitable<TopicOutcome> Topics::CreatePartitions(std::string name, int32_t total,
                                                 bool validate_only) {
  AdminTurns::Turn turn = co_await turns_.Take(name);
  TopicOutcome checked = CheckGrowth(name, total);
  if (!checked.ok() || validate_only) co_return checked;
  auto plan = logs_.PlanPartitions(name, total);
  if (!plan) co_return Failure(ErrorForStorage(plan.error()), plan.error().message());
  Status built = co_await OffLoop(*plan, [](storage::LogManager& logs, auto& partitions) {
    return logs.BuildPartitions(partitions);
  });
  if (!built.ok()) co_return Failure(ErrorForStorage(built), built.message());
  logs_.AddPartitions(std::move(*plan));
  co_return TopicOutcome{ErrorCode::kNone, "", Find(name)};
}

Awaitable<TopicOutcome> Topics::SetConfigs(const AdminTurns::Turn& /*turn*/, std::string name,
                                           ConfigOverrides configs, bool validate_only) {
  if (!Find(name)) co_return Failure(ErrorCode::kUnknownTopicOrPartition, "");
  if (auto invalid = ValidateConfigs(configs); !invalid.ok()) co_return invalid;
  if (validate_only) co_return TopicOutcome{};
  storage::ConfigMap overrides(configs.begin(), configs.end());
  auto update = logs_.PlanConfigs(name, overrides);
  if (!update) co_return ConfigFailure(update.error());
  Status written = co_await OffLoop(
      *update, [](storage::LogManager& logs, auto& u) { return logs.WriteConfigs(u); });
  if (!written.ok()) co_return ConfigFailure(written);
  logs_.ApplyConfigs(*update);
  co_return TopicOutcome{};
}

std::vector<ConfigEntry> Topics::DescribeConfigs(const storage::TopicMetadata& topic,
                                                 const ClusterProperties& static_cluster,
                                                 const BrokerOverrides& broker_overrides) const {
  ConfigOverrides overrides(topic.configs.begin(), topic.configs.end());
  return DescribeTopicConfigs(overrides, config_.cluster, static_cluster, broker_overrides);
}

}  // namespace core
}  // namespace kpk::broker
