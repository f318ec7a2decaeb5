#include "broker/handlers/offset_for_leader_epoch.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {

OffsetForLeaderEpochHandler::Response OffsetForLeaderEpochHandler::Handle(RequestContext& ctx,
                                                                          const Request& request) {
  Response response;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.topic = topic.topic;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition = p.partition;
      auto log = ctx.state.topics().Partition(topic.topic, p.partition);
      if (!log || !log->unservable().ok()) {  // absent, or offline
        r.error_code =
            ToInt(log ? ErrorCode::kKafkaStorageError
                      : ctx.state.topics().MissingPartitionError(topic.topic, p.partition));
        continue;
      }
      if (p.current_leader_epoch > storage::kLeaderEpoch) {
        r.error_code = ToInt(ErrorCode::kUnknownLeaderEpoch);
        continue;
      }
      if (p.leader_epoch > storage::kLeaderEpoch) {
        // An epoch we never had: Kafka's "undefined" answer.
        continue;
      }
      r.leader_epoch = storage::kLeaderEpoch;
      r.end_offset = log->log_end_offset();
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
