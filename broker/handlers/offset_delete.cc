#include "broker/handlers/offset_delete.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

Awaitable<OffsetDeleteHandler::Response> OffsetDeleteHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  // Whether each requested partition exists, decided before waiting on the disk.
  std::vector<bool> known;
  std::vector<groups::TopicPartition> wanted;
  for (const auto& t : request.topics) {
    for (const auto& p : t.partitions) {
      known.push_back(ctx.state.topics().Partition(t.name, p.partition_index) != nullptr);
      if (known.back()) wanted.push_back({t.name, p.partition_index});
    }
  }
  groups::OffsetDeleteResult result = co_await ctx.groups.DeleteOffsets(request.group_id, wanted);
  response.error_code = ToInt(result.error);
  if (result.error != ErrorCode::kNone) co_return response;
  size_t i = 0;
  size_t next = 0;  // results come back in the order of `wanted`
  for (const auto& t : request.topics) {
    auto& topic = response.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      auto& r = topic.partitions.emplace_back();
      r.partition_index = p.partition_index;
      if (!known[i++]) {
        r.error_code = ToInt(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      r.error_code = ToInt(result.partitions[next++]);
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
