#include "broker/handlers/fetch.h"

#include <algorithm>
#include <chrono>

#include "broker/core/broker_state.h"
#include "broker/core/partition_waiters.h"
#include "broker/net/async_event.h"
#include "broker/protocol/record_batch.h"
#include "broker/transactions/producer_states.h"

namespace kpk::broker::handlers {
namespace {

using Request = FetchHandler::Request;
using Response = FetchHandler::Response;

constexpr int8_t kReadCommitted = 1;

// Cuts `records` (whole batches) before the first batch at or past `end`; returns the offset
// after the last batch kept.
int64_t TruncateBefore(SharedBytes& records, int64_t end, int64_t fallback) {
  protocol::RecordSetIterator it(records);
  ByteSpan batch;
  size_t keep = 0;
  int64_t next = fallback;
  while (it.Next(&batch)) {
    if (LoadBigEndian<int64_t>(batch.data()) >= end) break;
    keep = static_cast<size_t>(batch.data() + batch.size() - records.data());
    if (auto view = protocol::RecordBatchView::Parse(batch)) next = view->next_offset();
  }
  records.Truncate(keep);
  return next;
}

struct PartitionRead {
  Response::PartitionData data;
  // Records came back but stopped before the high watermark (at a segment's end or at
  // max_bytes).
  bool short_of_end = false;
  // The offsets the records returned cover from the fetch offset: the records a consumer
  // moves past, as the topic's records_fetched counts them.
  uint64_t records = 0;
};

PartitionRead ReadPartition(RequestContext& ctx, const std::string& topic,
                            const Request::FetchPartition& wanted, size_t budget,
                            bool oversize_first, bool read_committed) {
  PartitionRead result;
  Response::PartitionData& out = result.data;
  out.partition_index = wanted.partition;
  // librdkafka rejects the whole response over one null record set, so every answer, errors
  // included, carries an empty one (as Kafka's does).
  out.records.emplace();
  out.aborted_transactions.emplace();
  auto log = ctx.state.topics().Partition(topic, wanted.partition);
  if (!log) {
    out.error_code = ToInt(ctx.state.topics().MissingPartitionError(topic, wanted.partition));
    out.high_watermark = out.last_stable_offset = out.log_start_offset = -1;
    return result;
  }
  // read_committed needs the producer state (rebuilt on first use after a restart); otherwise
  // only a state already in memory is consulted, for the last stable offset.
  transactions::PartitionProducerState* producers =
      read_committed ? ctx.producers.For(topic, wanted.partition, log)
                     : ctx.producers.IfLoaded(topic, wanted.partition, log);
  out.high_watermark = log->high_watermark();
  out.last_stable_offset =
      producers ? producers->LastStableOffset(out.high_watermark) : out.high_watermark;
  out.log_start_offset = log->log_start_offset();
  const int64_t visible_end = read_committed ? out.last_stable_offset : out.high_watermark;
  if (budget == 0 || wanted.fetch_offset == visible_end) return result;
  const size_t limit =
      std::min(budget, static_cast<size_t>(std::max<int32_t>(wanted.partition_max_bytes, 0)));
  // Cutting at the last stable offset needs the batches in memory.
  const bool cut = read_committed && visible_end < out.high_watermark;
  auto read =
      log->Read(wanted.fetch_offset, limit,
                cut ? storage::ReadAs::kBytes : storage::ReadAs::kFileRangeIfLarge, oversize_first);
  if (!read) {
    out.error_code =
        ToInt(read.error().code() == Status::Code::kNotFound ? ErrorCode::kOffsetOutOfRange
                                                             : ErrorCode::kKafkaStorageError);
    return result;
  }
  out.log_start_offset = read->log_start_offset;
  int64_t next = read->next_offset;
  if (cut) next = TruncateBefore(read->records, visible_end, wanted.fetch_offset);
  if (read_committed && producers) {
    for (const transactions::AbortedTxn& a : producers->AbortedBetween(wanted.fetch_offset, next)) {
      out.aborted_transactions->push_back({a.producer_id, a.first_offset, {}});
    }
  }
  if (read->file.size != 0) {
    out.records = protocol::Records(read->file, std::move(read->file_owner));
  } else if (!read->records.empty()) {
    out.records = protocol::Records(read->records.span(), read->records.owner());
  }
  result.short_of_end = !out.records->empty() && next < out.high_watermark;
  if (!out.records->empty() && next > wanted.fetch_offset) {
    result.records = static_cast<uint64_t>(next - wanted.fetch_offset);
  }
  return result;
}

struct FetchRead {
  size_t bytes = 0;  // record bytes gathered
  // Storage reads one segment at a time, so a fetch can come back short of min_bytes while
  // more data waits in the next segment. Kafka answers such a fetch at once (DelayedFetch: the
  // fetch offset is on an older segment than the high watermark); waiting would stall a
  // consumer with a large fetch.min.bytes for its whole max wait at every segment boundary.
  bool short_of_end = false;
  // What the read gathered per partition of the response, in its order.
  std::vector<Traffic> partitions;
};

// One pass over every requested partition.
FetchRead ReadAll(RequestContext& ctx, const Request& request, Response& response) {
  response.responses.clear();
  FetchRead result;
  const size_t max_bytes = static_cast<size_t>(std::max<int32_t>(request.max_bytes, 0));
  for (const auto& topic : request.topics) {
    auto& t = response.responses.emplace_back();
    t.topic = topic.topic;
    t.topic_id = topic.topic_id;
    for (const auto& p : topic.partitions) {
      // KIP-74: until some data is gathered a partition may return one whole batch even past
      // max_bytes and partition_max_bytes; after that only whole batches within what remains.
      const size_t total = result.bytes;
      const bool first_data = total == 0;
      const size_t budget = first_data ? std::max<size_t>(max_bytes, 1)
                                       : (total >= max_bytes ? 0 : max_bytes - total);
      auto read = ReadPartition(ctx, topic.topic, p, budget, first_data,
                                request.isolation_level == kReadCommitted);
      Traffic& traffic = result.partitions.emplace_back();
      if (read.data.records) {
        result.bytes += read.data.records->size();
        traffic.fetched_bytes = read.data.records->size();
      }
      traffic.fetched_records = read.records;
      result.short_of_end = result.short_of_end || read.short_of_end;
      t.partitions.push_back(std::move(read.data));
    }
  }
  return result;
}

// Adds what the answered read gathered to the broker's and its partitions' metrics.
void CountFetched(BrokerState& state, const Response& response, const FetchRead& read) {
  state.metrics().fetched_bytes += read.bytes;
  size_t i = 0;
  for (const auto& t : response.responses) {
    for (const auto& p : t.partitions) {
      if (i == read.partitions.size()) return;
      const Traffic& got = read.partitions[i++];
      if (!got.empty()) state.metrics().Topic(t.topic).Partition(p.partition_index) += got;
    }
  }
}

bool HasError(const Response& response) {
  for (const auto& t : response.responses) {
    for (const auto& p : t.partitions) {
      if (p.error_code != 0) return true;
    }
  }
  return false;
}

}  // namespace

Awaitable<FetchHandler::Response> FetchHandler::Handle(RequestContext& ctx,
                                                       const Request& request) {
  Response response;
  BrokerState& state = ctx.state;
  if (request.session_id != 0 || request.session_epoch > 0) {
    // We never hand out sessions, so a client naming one is out of step.
    response.error_code = ToInt(ErrorCode::kFetchSessionIdNotFound);
    co_return response;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max<int32_t>(request.max_wait_ms, 0));
  const size_t min_bytes = static_cast<size_t>(std::max<int32_t>(request.min_bytes, 1));
  AsyncEvent wake(co_await asio::this_coro::executor);
  ScopedWaits waits(state.waiters(), wake);
  for (const auto& topic : request.topics) {
    for (const auto& p : topic.partitions) waits.Add({topic.topic, p.partition});
  }
  for (;;) {
    wake.Reset();
    const FetchRead read = ReadAll(ctx, request, response);
    if (read.bytes >= min_bytes || HasError(response) || read.short_of_end ||
        std::chrono::steady_clock::now() >= deadline) {
      CountFetched(state, response, read);
      co_return response;
    }
    if (!co_await wake.WaitUntil(deadline)) {
      CountFetched(state, response, ReadAll(ctx, request, response));
      co_return response;
    }
  }
}

}  // namespace kpk::broker::handlers
