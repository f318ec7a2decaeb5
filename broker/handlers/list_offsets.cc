#include "broker/handlers/list_offsets.h"

#include "broker/core/broker_state.h"
#include "broker/transactions/producer_states.h"

namespace kpk::broker::handlers {
namespace {

using Response = ListOffsetsHandler::Response;
using PartitionResponse = Response::ListOffsetsPartitionResponse;

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;

constexpr int8_t kReadCommitted = 1;

void Lookup(const storage::PartitionLog& log, int64_t timestamp, int64_t latest,
            PartitionResponse& out) {
  out.leader_epoch = storage::kLeaderEpoch;
  if (timestamp == kLatest) {
    out.offset = latest;
    return;
  }
  if (timestamp == kEarliest) {
    out.offset = log.log_start_offset();
    return;
  }
  auto found = timestamp == kMaxTimestamp ? log.MaxTimestamp() : log.OffsetForTimestamp(timestamp);
  if (!found) {
    out.error_code = ToInt(ErrorCode::kKafkaStorageError);
    return;
  }
  if (!*found) {
    // No record at or after the timestamp: Kafka answers -1/-1.
    out.offset = -1;
    out.leader_epoch = -1;
    return;
  }
  out.offset = std::max((*found)->offset, log.log_start_offset());
  out.timestamp = (*found)->timestamp;
}

}  // namespace

ListOffsetsHandler::Response ListOffsetsHandler::Handle(RequestContext& ctx,
                                                        const Request& request) {
  Response response;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p.partition_index;
      auto log = ctx.state.topics().Partition(topic.name, p.partition_index);
      if (!log) {
        r.error_code =
            ToInt(ctx.state.topics().MissingPartitionError(topic.name, p.partition_index));
        continue;
      }
      if (!log->unservable().ok()) {
        r.error_code = ToInt(ErrorCode::kKafkaStorageError);
        continue;
      }
      if (p.timestamp == kMaxTimestamp && ctx.version < 7) {
        r.error_code = ToInt(ErrorCode::kUnsupportedVersion);
        continue;
      }
      // read_committed consumers' "latest" is the last stable offset (v2+).
      int64_t latest = log->high_watermark();
      if (ctx.version >= 2 && request.isolation_level == kReadCommitted) {
        auto* producers = ctx.producers.For(topic.name, p.partition_index, log);
        if (producers) latest = producers->LastStableOffset(latest);
      }
      Lookup(*log, p.timestamp, latest, r);
      if (ctx.version == 0 && r.error_code == 0) {
        // v0 answers with a list of offsets instead of one.
        if (r.offset >= 0) r.old_style_offsets.push_back(r.offset);
      }
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
