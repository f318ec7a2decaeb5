// Opening and rewriting one record batch for the log cleaner.
//
// A cleaned batch keeps its own framing: baseOffset, lastOffsetDelta, the producer id, epoch and
// base sequence, and the transactional and control bits. Dropped records leave gaps in the
// offsets (as Kafka's cleaner leaves them), and the header still tells an idempotent producer's
// last sequence after a restart. Kept records are copied byte for byte, so their offset and
// timestamp deltas stay valid, and compressed batches are compressed again with their own codec.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "broker/protocol/record_batch.h"
#include "common/bytes.h"
#include "common/status.h"

namespace kpk::broker::storage {

// An uncompressed copy of a batch (the header with no codec bit, then the plain records), so
// protocol::RecordIterator can walk it. Uncompressed batches are viewed in place.
class OpenedBatch {
 public:
  static Result<OpenedBatch> Open(const protocol::RecordBatchView& batch);

  // The original batch.
  const protocol::RecordBatchView& original() const { return original_; }
  // The batch with plain records; valid as long as this object and the original bytes are.
  const protocol::RecordBatchView& plain() const { return plain_; }

  // Calls visit(record, raw) for every record in order, raw being its encoded bytes (length
  // prefix included). Stops at the first malformed record with kCorruption.
  Status ForEach(const std::function<void(const protocol::RecordView&, ByteSpan raw)>& visit) const;

 private:
  OpenedBatch(protocol::RecordBatchView original, Bytes plain_bytes);

  protocol::RecordBatchView original_;
  Bytes plain_bytes_;  // empty when the original is uncompressed
  protocol::RecordBatchView plain_;
};

// Checks a batch the cleaner may have written: framing, magic 2, the CRC, and
// 0 <= recordCount <= lastOffsetDelta + 1 (ValidateRecordBatch wants them equal, as producers
// send them). kCorruption otherwise.
Status ValidateCompactedBatch(ByteSpan batch);

// The batch rebuilt with only the records `keep` accepts. nullopt when it keeps them all (the
// caller copies the original). With none kept, an empty batch (recordCount 0, no codec) when
// keep_empty, else empty bytes.
Result<std::optional<Bytes>> FilterBatch(
    const OpenedBatch& batch,
    const std::function<bool(const protocol::RecordView&, int64_t offset)>& keep, bool keep_empty);

}  // namespace kpk::broker::storage
