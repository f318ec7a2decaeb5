// Per-partition producer bookkeeping: idempotent de-duplication (the last five batches of each
// producer), the transactions open on the partition (which bound the last stable offset), and
// the aborted ones (which read_committed fetches must skip).
//
// Nothing here is written to disk on its own: the log already holds every batch with its
// producer id, epoch and sequences, and every commit/abort marker, so Rebuild() recovers the
// exact state by scanning the partition after a restart or crash.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "broker/protocol/generated/error_code.h"
#include "broker/protocol/record_batch.h"
#include "broker/storage/partition_log.h"
#include "common/status.h"

namespace kpk::broker::transactions {

struct AbortedTxn {
  int64_t producer_id = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;  // the abort marker's offset
};

struct ProducerSummary {
  int64_t producer_id = 0;
  int16_t epoch = 0;
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
  int32_t coordinator_epoch = -1;
  int64_t txn_start_offset = -1;  // -1 when no transaction is open here
};

// What Produce should do with a batch.
struct SequenceCheck {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  // Set when the batch repeats one already appended: answer with its original offset.
  std::optional<int64_t> duplicate_of;
};

class PartitionProducerState {
 public:
  // Kafka keeps five batches per producer: a retried batch is one of the last five in flight.
  static constexpr size_t kRememberedBatches = 5;

  // Decides whether `batch` (from a producer, producer_id >= 0) may be appended.
  SequenceCheck Check(const protocol::RecordBatchView& batch) const;
  // Records a batch that has been appended at [base, last].
  void OnAppend(const protocol::RecordBatchView& batch, int64_t base, int64_t last);
  // Records a commit/abort marker written at `offset`: closes the producer's open transaction.
  void OnMarker(int64_t producer_id, int16_t epoch, protocol::ControlType type,
                int32_t coordinator_epoch, int64_t offset);

  // The first offset of the oldest open transaction, or `high_watermark` if none is open.
  int64_t LastStableOffset(int64_t high_watermark) const;
  // Aborted transactions with data in [from, to).
  std::vector<AbortedTxn> AbortedBetween(int64_t from, int64_t to) const;
  std::vector<ProducerSummary> Producers() const;
  bool HasOpenTransaction(int64_t producer_id) const;

  // Rebuilds everything from the log's batches.
  Status Rebuild(const storage::PartitionLog& log);
  // Forgets aborted transactions wholly below the log start.
  void TrimBefore(int64_t log_start_offset);

 private:
  struct Batch {
    int32_t first_sequence;
    int32_t last_sequence;
    int64_t base_offset;
  };
  struct Producer {
    int16_t epoch = -1;
    std::deque<Batch> recent;
    int64_t last_timestamp = -1;
    int32_t coordinator_epoch = -1;
    std::optional<int64_t> txn_first_offset;
  };

  void Apply(const protocol::RecordBatchView& batch);

  std::map<int64_t, Producer> producers_;
  std::map<int64_t, int64_t> open_txns_;  // first offset -> producer id
  std::vector<AbortedTxn> aborted_;       // ordered by last_offset
};

}  // namespace kpk::broker::transactions
