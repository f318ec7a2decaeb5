#include "broker/handlers/delete_records.h"

#include "broker/core/blocking.h"
#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

using Response = DeleteRecordsHandler::Response;

// A partition whose records below `target` go, and where its answer is.
struct Deletion {
  std::shared_ptr<storage::PartitionLog> log;
  int64_t target;
  size_t topic;
  size_t partition;
};

// Checks one partition's request on the loop; the deletion itself writes a checkpoint.
std::optional<Deletion> Check(RequestContext& ctx, const std::string& topic, int32_t index,
                              int64_t offset, Response::DeleteRecordsPartitionResult& r) {
  auto log = ctx.state.topics().Partition(topic, index);
  if (!log || !log->unservable().ok()) {  // absent, or offline
    r.error_code = ToInt(log ? ErrorCode::kKafkaStorageError
                             : ctx.state.topics().MissingPartitionError(topic, index));
    return std::nullopt;
  }
  const int64_t target = offset == -1 ? log->high_watermark() : offset;
  if (target < 0 || target > log->high_watermark()) {
    r.error_code = ToInt(ErrorCode::kOffsetOutOfRange);
    return std::nullopt;
  }
  return Deletion{std::move(log), target, 0, 0};
}

void Answer(const Result<int64_t>& moved, Response::DeleteRecordsPartitionResult& r) {
  if (!moved) {
    r.error_code = ToInt(moved.error().code() == Status::Code::kInvalidArgument
                             ? ErrorCode::kOffsetOutOfRange
                             : ErrorCode::kKafkaStorageError);
    return;
  }
  r.low_watermark = *moved;
}

}  // namespace

Awaitable<DeleteRecordsHandler::Response> DeleteRecordsHandler::Handle(RequestContext& ctx,
                                                                       const Request& request) {
  Response response;
  std::vector<Deletion> deletions;
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p.partition_index;
      r.low_watermark = -1;
      if (auto d = Check(ctx, topic.name, p.partition_index, p.offset, r)) {
        d->topic = response.topics.size() - 1;
        d->partition = t.partitions.size() - 1;
        deletions.push_back(std::move(*d));
      }
    }
  }
  if (deletions.empty()) co_return response;
  auto delete_before = [&deletions] {
    std::vector<Result<int64_t>> out;
    for (const auto& d : deletions) out.push_back(d.log->DeleteRecordsBefore(d.target));
    return out;
  };
  auto moved = co_await RunBlocking(ctx.state.worker(), std::move(delete_before));
  for (size_t i = 0; i < deletions.size(); ++i) {
    const Deletion& d = deletions[i];
    Answer(moved[i], response.topics[d.topic].partitions[d.partition]);
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
