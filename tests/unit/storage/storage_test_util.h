// Helpers shared by the storage tests: building batches and reading them back.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "broker/protocol/record_batch.h"
#include "broker/storage/partition_log.h"
#include "fault_injection_fs.h"

namespace kpk::broker::storage::testing {

// A batch of `records` records whose values are `value_size` copies of `fill`, timestamps
// starting at `timestamp` and increasing by one per record.
inline Bytes MakeBatch(int records, size_t value_size, int64_t timestamp, char fill = 'x') {
  protocol::RecordBatchBuilder builder;
  std::string value(value_size, fill);
  for (int i = 0; i < records; ++i) {
    builder.Add(timestamp + i, std::nullopt, AsBytes(value));
  }
  return builder.Build();
}

struct BatchSummary {
  int64_t base_offset;
  int64_t last_offset;
  int32_t records;
};

// Splits fetched bytes into batches, checking each is a valid batch.
inline std::vector<BatchSummary> Summarize(ByteSpan records) {
  std::vector<BatchSummary> out;
  protocol::RecordSetIterator it(records);
  ByteSpan batch;
  while (it.Next(&batch)) {
    CHECK(protocol::ValidateRecordBatch(batch).ok());
    auto view = protocol::RecordBatchView::Parse(batch);
    REQUIRE(view);
    out.push_back({view->base_offset(), view->last_offset(), view->record_count()});
  }
  CHECK(it.status().ok());
  return out;
}

// Appends a copy of `batch` and returns its base offset.
inline int64_t AppendCopy(PartitionLog& log, const Bytes& batch, int64_t now_ms) {
  Bytes copy = batch;
  auto result = log.Append(copy, now_ms);
  REQUIRE_MESSAGE(result, result.error().ToString());
  return result->base_offset;
}

// Reads every batch from `from` to the log end, one Read at a time (bounded).
inline std::vector<BatchSummary> ReadAll(const PartitionLog& log, int64_t from,
                                         size_t max_bytes = 1 << 20) {
  std::vector<BatchSummary> all;
  int64_t offset = from;
  for (int i = 0; i < 100000 && offset < log.log_end_offset(); ++i) {
    auto read = log.Read(offset, max_bytes);
    REQUIRE_MESSAGE(read, read.error().ToString());
    auto batches = Summarize(read->records);
    REQUIRE(!batches.empty());
    all.insert(all.end(), batches.begin(), batches.end());
    offset = batches.back().last_offset + 1;
  }
  return all;
}

inline LogConfig SmallSegments(int64_t segment_bytes = 4096) {
  LogConfig config;
  config.segment_bytes = segment_bytes;
  config.index_interval_bytes = 256;
  return config;
}

}  // namespace kpk::broker::storage::testing
