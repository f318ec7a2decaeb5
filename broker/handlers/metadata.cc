#include "broker/handlers/metadata.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

using Response = MetadataHandler::Response;

// All topic operations, for clients that ask for authorized operations: nothing is denied here.
constexpr int32_t kAllTopicOperations = 0b1111'1111'1000;
constexpr int32_t kAllClusterOperations = 0b1111'1111'1000;

Response::MetadataResponseTopic DescribeTopic(BrokerState& state,
                                              const storage::TopicMetadata& topic,
                                              bool include_operations) {
  Response::MetadataResponseTopic t;
  t.name = topic.name;
  t.topic_id = topic.id;
  const int32_t node = state.config().node_id;
  for (int32_t p = 0; p < topic.partitions; ++p) {
    auto& part = t.partitions.emplace_back();
    part.partition_index = p;
    part.leader_epoch = storage::kLeaderEpoch;
    part.replica_nodes = {node};
    part.isr_nodes = {node};
    if (state.topics().Offline(topic.name, p)) {
      // Kafka (KRaftMetadataCache) for a partition whose only replica's log is offline: no
      // leader, LEADER_NOT_AVAILABLE, the replica listed offline; the ISR keeps its last member.
      part.error_code = ToInt(ErrorCode::kLeaderNotAvailable);
      part.leader_id = -1;
      part.offline_replicas = {node};
    } else {
      part.leader_id = node;
    }
  }
  if (include_operations) t.topic_authorized_operations = kAllTopicOperations;
  return t;
}

Response::MetadataResponseTopic ErrorTopic(std::optional<std::string> name, protocol::Uuid id,
                                           protocol::ErrorCode error) {
  Response::MetadataResponseTopic t;
  t.name = std::move(name);
  t.topic_id = id;
  t.error_code = ToInt(error);
  return t;
}

// Metadata v0 says "all topics" with an empty list; v1+ with a null one.
bool WantsAllTopics(const MetadataHandler::Request& request, int16_t version) {
  if (!request.topics) return true;
  return version == 0 && request.topics->empty();
}

}  // namespace

Awaitable<MetadataHandler::Response> MetadataHandler::Handle(RequestContext& ctx,
                                                             const Request& request) {
  BrokerState& state = ctx.state;
  const BrokerConfig& config = state.config();
  Response response;
  const HostPort advertised = config.Advertised();
  auto& broker = response.brokers.emplace_back();
  broker.node_id = config.node_id;
  broker.host = advertised.host;
  broker.port = advertised.port;
  response.cluster_id = config.cluster_id;
  response.controller_id = config.node_id;
  if (request.include_cluster_authorized_operations) {
    response.cluster_authorized_operations = kAllClusterOperations;
  }
  const bool ops = request.include_topic_authorized_operations;

  if (WantsAllTopics(request, ctx.version)) {
    for (const auto& topic : state.topics().List()) {
      response.topics.push_back(DescribeTopic(state, topic, ops));
    }
    co_return response;
  }
  // Before v4 there is no flag: the broker's auto_create_topics_enabled alone decides.
  const bool allow_create = ctx.version < 4 || request.allow_auto_topic_creation;
  for (const auto& wanted : *request.topics) {
    // A topic id names the topic whatever the name says: the Java client (4.x) asks by id with
    // the name left at its default, "", not null; Kafka looks up every non-zero id.
    if (!wanted.topic_id.IsZero() || !wanted.name) {
      auto topic = state.topics().FindById(wanted.topic_id);
      response.topics.push_back(
          topic ? DescribeTopic(state, *topic, ops)
                : ErrorTopic(std::nullopt, wanted.topic_id, ErrorCode::kUnknownTopicId));
      continue;
    }
    TopicOutcome outcome = co_await state.topics().FindOrAutoCreate(*wanted.name, allow_create);
    if (outcome.topic) {
      response.topics.push_back(DescribeTopic(state, *outcome.topic, ops));
    } else {
      response.topics.push_back(ErrorTopic(wanted.name, {}, outcome.error));
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
