#include "broker/handlers/txn_offset_commit.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {

Awaitable<TxnOffsetCommitHandler::Response> TxnOffsetCommitHandler::Handle(RequestContext& ctx,
                                                                           const Request& request) {
  std::map<groups::TopicPartition, transactions::StagedOffset> offsets;
  ErrorCode error = ErrorCode::kNone;
  for (const auto& topic : request.topics) {
    for (const auto& p : topic.partitions) {
      if (!ctx.state.topics().Partition(topic.name, p.partition_index)) {
        error = ErrorCode::kUnknownTopicOrPartition;
      }
      offsets[{topic.name, p.partition_index}] = {p.committed_offset, p.committed_leader_epoch,
                                                  p.committed_metadata};
    }
  }
  if (error == ErrorCode::kNone && ctx.version >= 3) {
    // v3+ carries the consumer's generation and member id: a zombie consumer is fenced too.
    error = ctx.groups.ValidateTxnOffsetCommit(
        {request.group_id, request.member_id, request.group_instance_id, request.generation_id});
  }
  if (error == ErrorCode::kNone) {
    // Durable before the answer: the producer may commit next, and the broker restart first.
    error = co_await ctx.transactions.StageOffsets(request.transactional_id, request.producer_id,
                                                   request.producer_epoch, request.group_id,
                                                   offsets, /*fenced_error=*/ctx.version >= 3);
  }
  Response response;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p.partition_index;
      r.error_code = ToInt(error);
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
