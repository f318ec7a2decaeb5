// The in-memory index of one segment: its sparse offset and time index points, how many bytes
// of the .log it describes, the next offset, and the largest timestamp. It is built as batches
// are appended or scanned, and saved to and loaded from the .index and .timeindex files (layouts
// in log_format.h).
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace kpk::broker::storage {

inline constexpr int64_t kNoTimestamp = -1;

// Not thread-safe; the owning log serializes access.
class SegmentIndex {
 public:
  struct Entry {
    uint32_t relative_offset;  // batch baseOffset - segment base offset
    uint32_t position;         // byte position of the batch in the .log
    int64_t max_timestamp;     // largest maxTimestamp up to and including this batch
  };

  explicit SegmentIndex(int64_t base_offset)
      : base_offset_(base_offset), next_offset_(base_offset) {}

  // Records the next batch, which starts at covered_bytes(). Batches must arrive in log order;
  // relative offsets must fit in 32 bits (the log rolls before they would not).
  void Add(int64_t batch_base_offset, int64_t batch_next_offset, int64_t batch_max_timestamp,
           uint32_t batch_size, int32_t index_interval_bytes);

  int64_t base_offset() const { return base_offset_; }
  // The offset the next batch appended to the segment gets.
  int64_t next_offset() const { return next_offset_; }
  // Bytes of the .log described so far: every batch in them has been Added.
  uint32_t covered_bytes() const { return covered_bytes_; }
  bool empty() const { return covered_bytes_ == 0; }
  // kNoTimestamp when empty.
  int64_t max_timestamp() const { return max_timestamp_; }
  // baseOffset of the first batch whose maxTimestamp is max_timestamp().
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  const std::vector<Entry>& entries() const { return entries_; }

  // A position at or before the start of the batch holding `offset`: scan forward from it.
  uint32_t LookupOffset(int64_t offset) const;
  // A position at or before the first batch whose maxTimestamp >= timestamp.
  uint32_t LookupTimestamp(int64_t timestamp) const;
  // The last index point whose batch starts in (after, up_to], if any: a batch boundary whose
  // offset is known without reading the log.
  const Entry* LastPointIn(uint64_t after, uint64_t up_to) const;

  Bytes EncodeOffsetIndex() const;
  Bytes EncodeTimeIndex() const;
  // Loads an index saved by the two Encode functions, checking their framing, CRCs and that
  // their entries are consistent and ordered. The caller checks covered_bytes() against the log.
  static Result<SegmentIndex> Decode(int64_t base_offset, ByteSpan offset_index,
                                     ByteSpan time_index);

 private:
  int64_t base_offset_;
  int64_t next_offset_;
  uint32_t covered_bytes_ = 0;
  int64_t max_timestamp_ = kNoTimestamp;
  int64_t offset_of_max_timestamp_ = -1;
  std::vector<Entry> entries_;
};

}  // namespace kpk::broker::storage
