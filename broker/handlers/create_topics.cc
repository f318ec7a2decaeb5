#include "broker/handlers/create_topics.h"

#include <set>

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

using Response = CreateTopicsHandler::Response;
using Request = CreateTopicsHandler::Request;

bool AssignmentsFitThisNode(const Request::CreatableTopic& topic, int32_t node_id) {
  for (const auto& a : topic.assignments) {
    if (a.broker_ids.size() != 1 || a.broker_ids[0] != node_id) return false;
  }
  return true;
}

void FillTopicDetails(const BrokerState& state, const storage::TopicMetadata& topic,
                      Response::CreatableTopicResult& result) {
  result.topic_id = topic.id;
  result.num_partitions = topic.partitions;
  result.replication_factor = 1;
  auto& configs = result.configs.emplace();
  ConfigOverrides overrides(topic.configs.begin(), topic.configs.end());
  for (const auto& entry : DescribeTopicConfigs(overrides, state.config().cluster,
                                                state.static_cluster(), state.broker_overrides())) {
    auto& c = configs.emplace_back();
    c.name = entry.name;
    c.value = entry.value;
    c.read_only = entry.read_only;
    c.config_source = static_cast<int8_t>(entry.source);
  }
}

Awaitable<Response::CreatableTopicResult> CreateOne(BrokerState& state,
                                                    const Request::CreatableTopic& topic,
                                                    bool validate_only) {
  Response::CreatableTopicResult result;
  result.name = topic.name;
  const int32_t node = state.config().node_id;
  if (!topic.assignments.empty() && !AssignmentsFitThisNode(topic, node)) {
    result.error_code = ToInt(ErrorCode::kInvalidReplicaAssignment);
    result.error_message =
        "Every partition must have exactly one replica, on broker " + std::to_string(node) + ".";
    co_return result;
  }
  const int32_t partitions = topic.assignments.empty()
                                 ? topic.num_partitions
                                 : static_cast<int32_t>(topic.assignments.size());
  const int16_t replication = topic.assignments.empty() ? topic.replication_factor : 1;
  ConfigOverrides configs;
  for (const auto& c : topic.configs) {
    if (c.value) configs[c.name] = *c.value;
  }
  TopicOutcome outcome = co_await state.topics().Create(topic.name, partitions, replication,
                                                        std::move(configs), validate_only);
  result.error_code = ToInt(outcome.error);
  if (!outcome.ok()) {
    result.error_message = outcome.message;
    co_return result;
  }
  FillTopicDetails(state, *outcome.topic, result);
  co_return result;
}

}  // namespace

Awaitable<CreateTopicsHandler::Response> CreateTopicsHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  std::multiset<std::string> names;
  for (const auto& t : request.topics) names.insert(t.name);
  for (const auto& topic : request.topics) {
    if (names.count(topic.name) > 1) {
      auto& r = response.topics.emplace_back();
      r.name = topic.name;
      r.error_code = ToInt(ErrorCode::kInvalidRequest);
      r.error_message = "Duplicate topic in request.";
      continue;
    }
    response.topics.push_back(co_await CreateOne(ctx.state, topic, request.validate_only));
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
