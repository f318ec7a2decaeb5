#include "broker/transactions/producer_state.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/storage/storage_test_util.h"

namespace kpk::broker::transactions {
namespace {

using protocol::RecordBatchBuilder;
using storage::testing::TempDir;

constexpr int64_t kNow = 1700000000000;

Bytes ProducerBatch(int64_t producer_id, int16_t epoch, int32_t base_sequence, int records,
                    bool transactional) {
  RecordBatchBuilder::Options options;
  options.producer_id = producer_id;
  options.producer_epoch = epoch;
  options.base_sequence = base_sequence;
  options.transactional = transactional;
  RecordBatchBuilder builder(options);
  const std::string value(2000, 'v');
  for (int i = 0; i < records; ++i) builder.Add(kNow + i, std::nullopt, AsBytes(value));
  return builder.Build();
}

// Appends a batch and tells `live` about it as the Produce handler and the transaction
// coordinator would.
void Append(storage::PartitionLog& log, Bytes batch, PartitionProducerState& live) {
  auto appended = log.Append(batch, kNow);
  REQUIRE_MESSAGE(appended, appended.error().ToString());
  auto view = protocol::RecordBatchView::Parse(batch);
  REQUIRE(view);
  if (view->producer_id() < 0) return;
  if (!view->is_control()) {
    live.OnAppend(*view, appended->base_offset, appended->last_offset);
    return;
  }
  protocol::RecordIterator records(*view);
  protocol::RecordView record;
  REQUIRE(records.Next(&record));
  auto marker = protocol::ParseControlRecord(record);
  REQUIRE(marker);
  live.OnMarker(view->producer_id(), view->producer_epoch(), marker->type,
                marker->coordinator_epoch, appended->base_offset);
}

bool SameProducers(const std::vector<ProducerSummary>& a, const std::vector<ProducerSummary>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].producer_id != b[i].producer_id || a[i].epoch != b[i].epoch ||
        a[i].last_sequence != b[i].last_sequence || a[i].last_timestamp != b[i].last_timestamp ||
        a[i].coordinator_epoch != b[i].coordinator_epoch ||
        a[i].txn_start_offset != b[i].txn_start_offset) {
      return false;
    }
  }
  return true;
}

TEST_CASE("producer state rebuilt from the log's batch headers and markers equals the live one") {
  TempDir tmp;
  storage::LogEnv env;
  auto opened = storage::PartitionLog::Open(tmp.path(), "t-0",
                                            storage::testing::SmallSegments(1 << 17), env, kNow);
  REQUIRE(opened);
  storage::PartitionLog& log = **opened;
  PartitionProducerState live;
  Append(log, storage::testing::MakeBatch(50, 2000, kNow), live);  // no producer
  Append(log, ProducerBatch(7, 0, 0, 40, false), live);            // idempotent
  Append(log, ProducerBatch(8, 1, 0, 40, true), live);             // a transaction...
  Append(log, ProducerBatch(7, 0, 40, 40, false), live);
  Append(log, protocol::BuildControlBatch({protocol::ControlType::kAbort, 3}, 8, 1, kNow), live);
  Append(log, ProducerBatch(9, 0, 0, 40, true), live);   // ...and one left open
  Append(log, ProducerBatch(7, 1, 0, 40, false), live);  // a new epoch
  REQUIRE(log.segment_count() > 2);
  const int64_t end = log.log_end_offset();

  PartitionProducerState rebuilt;
  REQUIRE(rebuilt.Rebuild(log).ok());
  CHECK(SameProducers(rebuilt.Producers(), live.Producers()));
  CHECK(rebuilt.LastStableOffset(end) == live.LastStableOffset(end));
  CHECK(rebuilt.LastStableOffset(end) < end);  // producer 9's transaction is open
  const auto aborted = rebuilt.AbortedBetween(0, end);
  REQUIRE(aborted.size() == 1);
  CHECK(aborted[0].producer_id == 8);
  CHECK(aborted[0].first_offset == 90);
  CHECK(aborted[0].last_offset == live.AbortedBetween(0, end)[0].last_offset);
  // A retry of producer 7's last batch is known as a duplicate after the rebuild too.
  Bytes retry = ProducerBatch(7, 1, 0, 40, false);
  auto check = rebuilt.Check(*protocol::RecordBatchView::Parse(retry));
  REQUIRE(check.duplicate_of);
  CHECK(*check.duplicate_of == *live.Check(*protocol::RecordBatchView::Parse(retry)).duplicate_of);
}

}  // namespace
}  // namespace kpk::broker::transactions
