#include "broker/handlers/add_partitions_to_txn.h"

#include "broker/core/broker_state.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {

Awaitable<AddPartitionsToTxnHandler::Response> AddPartitionsToTxnHandler::Handle(
    RequestContext& ctx, const Request& request) {
  std::vector<groups::TopicPartition> partitions;
  for (const auto& topic : request.v3_and_below_topics) {
    for (int32_t p : topic.partitions) partitions.push_back({topic.name, p});
  }
  auto errors = co_await ctx.transactions.AddPartitions(
      request.v3_and_below_transactional_id, request.v3_and_below_producer_id,
      request.v3_and_below_producer_epoch, partitions, /*fenced_error=*/ctx.version >= 2);
  Response response;
  for (const auto& topic : request.v3_and_below_topics) {
    auto& t = response.results_by_topic_v3_and_below.emplace_back();
    t.name = topic.name;
    for (int32_t p : topic.partitions) {
      auto& r = t.results_by_partition.emplace_back();
      r.partition_index = p;
      r.partition_error_code = ToInt(errors[{topic.name, p}]);
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
