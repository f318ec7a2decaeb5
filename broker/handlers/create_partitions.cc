#include "broker/handlers/create_partitions.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {

Awaitable<CreatePartitionsHandler::Response> CreatePartitionsHandler::Handle(
    RequestContext& ctx, const Request& request) {
  Response response;
  const int32_t node = ctx.state.config().node_id;
  for (const auto& topic : request.topics) {
    auto& result = response.results.emplace_back();
    result.name = topic.name;
    bool assignments_ok = true;
    if (topic.assignments) {
      for (const auto& a : *topic.assignments) {
        assignments_ok &= a.broker_ids.size() == 1 && a.broker_ids[0] == node;
      }
    }
    if (!assignments_ok) {
      result.error_code = ToInt(ErrorCode::kInvalidReplicaAssignment);
      result.error_message = "Every new partition must have exactly one replica, on this broker.";
      continue;
    }
    TopicOutcome outcome = co_await ctx.state.topics().CreatePartitions(topic.name, topic.count,
                                                                        request.validate_only);
    result.error_code = ToInt(outcome.error);
    if (!outcome.ok() && !outcome.message.empty()) result.error_message = outcome.message;
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
