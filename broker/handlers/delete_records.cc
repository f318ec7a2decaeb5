#include "broker/handlers/delete_records.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {

DeleteRecordsHandler::Response DeleteRecordsHandler::Handle(RequestContext& ctx,
                                                            const Request& request) {
  Response response;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p.partition_index;
      r.low_watermark = -1;
      auto log = ctx.state.topics().Partition(topic.name, p.partition_index);
      if (!log) {
        r.error_code = ToInt(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      const int64_t target = p.offset == -1 ? log->high_watermark() : p.offset;
      if (target < 0 || target > log->high_watermark()) {
        r.error_code = ToInt(ErrorCode::kOffsetOutOfRange);
        continue;
      }
      auto moved = log->DeleteRecordsBefore(target);
      if (!moved) {
        r.error_code = ToInt(moved.error().code() == Status::Code::kInvalidArgument
                                 ? ErrorCode::kOffsetOutOfRange
                                 : ErrorCode::kKafkaStorageError);
        continue;
      }
      r.low_watermark = *moved;
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
