#include "broker/handlers/fetch.h"

#include <algorithm>
#include <chrono>

#include "broker/protocol/record_batch.h"
#include "broker/server/async_event.h"
#include "broker/server/broker_state.h"
#include "broker/server/partition_waiters.h"
#include "broker/transactions/producer_states.h"

namespace kpk::broker {
namespace {

using Request = FetchHandler::Request;
using Response = FetchHandler::Response;

constexpr int8_t kReadCommitted = 1;

// Cuts `records` (whole batches) before the first batch at or past `end`.
void TruncateBefore(SharedBytes& records, int64_t end) {
  protocol::RecordSetIterator it(records);
  ByteSpan batch;
  size_t keep = 0;
  while (it.Next(&batch)) {
    if (LoadBigEndian<int64_t>(batch.data()) >= end) break;
    keep = static_cast<size_t>(batch.data() + batch.size() - records.data());
  }
  records.Truncate(keep);
}

int64_t NextOffsetAfter(ByteSpan records, int64_t fallback) {
  protocol::RecordSetIterator it(records);
  ByteSpan batch;
  int64_t next = fallback;
  while (it.Next(&batch)) {
    if (auto view = protocol::RecordBatchView::Parse(batch)) next = view->next_offset();
  }
  return next;
}

Response::PartitionData ReadPartition(BrokerState& state, const std::string& topic,
                                      const Request::FetchPartition& wanted, size_t budget,
                                      bool read_committed) {
  Response::PartitionData out;
  out.partition_index = wanted.partition;
  auto log = state.topics().Partition(topic, wanted.partition);
  if (!log) {
    out.error_code = ToInt(ErrorCode::kUnknownTopicOrPartition);
    return out;
  }
  // read_committed needs the producer state (rebuilt on first use after a restart); otherwise
  // only a state already in memory is consulted, for the last stable offset.
  PartitionProducerState* producers =
      read_committed ? state.producer_states().For(topic, wanted.partition, log)
                     : state.producer_states().IfLoaded(topic, wanted.partition, log);
  out.high_watermark = log->high_watermark();
  out.last_stable_offset =
      producers ? producers->LastStableOffset(out.high_watermark) : out.high_watermark;
  out.log_start_offset = log->log_start_offset();
  out.aborted_transactions.emplace();
  out.records.emplace();  // clients reject a null record set; "nothing" is an empty one
  const int64_t visible_end = read_committed ? out.last_stable_offset : out.high_watermark;
  if (budget == 0 || wanted.fetch_offset == visible_end) return out;
  const size_t limit =
      std::min(budget, static_cast<size_t>(std::max<int32_t>(wanted.partition_max_bytes, 0)));
  auto read = log->Read(wanted.fetch_offset, limit);
  if (!read) {
    out.error_code =
        ToInt(read.error().code() == Status::Code::kNotFound ? ErrorCode::kOffsetOutOfRange
                                                             : ErrorCode::kKafkaStorageError);
    return out;
  }
  out.log_start_offset = read->log_start_offset;
  if (read_committed) {
    TruncateBefore(read->records, visible_end);
    if (producers) {
      const int64_t end = NextOffsetAfter(read->records, wanted.fetch_offset);
      for (const AbortedTxn& a : producers->AbortedBetween(wanted.fetch_offset, end)) {
        out.aborted_transactions->push_back({a.producer_id, a.first_offset, {}});
      }
    }
  }
  if (!read->records.empty()) {
    out.records = protocol::Records(read->records.span(), read->records.owner());
  }
  return out;
}

// One pass over every requested partition. Returns the record bytes gathered.
size_t ReadAll(BrokerState& state, const Request& request, Response& response) {
  response.responses.clear();
  size_t total = 0;
  const size_t max_bytes = static_cast<size_t>(std::max<int32_t>(request.max_bytes, 0));
  for (const auto& topic : request.topics) {
    auto& t = response.responses.emplace_back();
    t.topic = topic.topic;
    t.topic_id = topic.topic_id;
    for (const auto& p : topic.partitions) {
      // KIP-74: until some data is gathered a partition may return one whole batch even past
      // max_bytes (storage always returns at least one); after that only what remains.
      const size_t budget = total == 0 ? std::max<size_t>(max_bytes, 1)
                                       : (total >= max_bytes ? 0 : max_bytes - total);
      auto data =
          ReadPartition(state, topic.topic, p, budget, request.isolation_level == kReadCommitted);
      if (data.records) total += data.records->size();
      t.partitions.push_back(std::move(data));
    }
  }
  return total;
}

// Storage reads one segment at a time, so a fetch can come back short of min_bytes while more
// data waits in the next segment. Kafka answers such a fetch at once (DelayedFetch: the fetch
// offset is on an older segment than the high watermark); waiting would stall a consumer with a
// large fetch.min.bytes for its whole max wait at every segment boundary.
bool StoppedShortOfEnd(const Response& response) {
  for (const auto& t : response.responses) {
    for (const auto& p : t.partitions) {
      if (!p.records || p.records->size() == 0) continue;
      int64_t next = -1;
      protocol::RecordSetIterator it(p.records->bytes());
      ByteSpan batch;
      while (it.Next(&batch)) {
        if (auto view = protocol::RecordBatchView::Parse(batch)) next = view->next_offset();
      }
      if (next >= 0 && next < p.high_watermark) return true;
    }
  }
  return false;
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
    const size_t bytes = ReadAll(state, request, response);
    if (bytes >= min_bytes || HasError(response) || StoppedShortOfEnd(response) ||
        std::chrono::steady_clock::now() >= deadline) {
      state.metrics().fetched_bytes += bytes;
      co_return response;
    }
    if (!co_await wake.WaitUntil(deadline)) {
      state.metrics().fetched_bytes += ReadAll(state, request, response);
      co_return response;
    }
  }
}

}  // namespace kpk::broker
