#include "broker/handlers/describe_producers.h"

#include "broker/core/broker_state.h"
#include "broker/transactions/producer_states.h"

namespace kpk::broker::handlers {

DescribeProducersHandler::Response DescribeProducersHandler::Handle(RequestContext& ctx,
                                                                    const Request& request) {
  Response response;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (int32_t index : topic.partition_indexes) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = index;
      auto log = ctx.state.topics().Partition(topic.name, index);
      transactions::PartitionProducerState* producers =
          log ? ctx.producers.For(topic.name, index, log) : nullptr;
      if (!producers) {
        r.error_code =
            ToInt(log ? ErrorCode::kKafkaStorageError : ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      for (const transactions::ProducerSummary& p : producers->Producers()) {
        r.active_producers.push_back({p.producer_id,
                                      p.epoch,
                                      p.last_sequence,
                                      p.last_timestamp,
                                      p.coordinator_epoch,
                                      p.txn_start_offset,
                                      {}});
      }
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
