#include "broker/transactions/producer_state.h"

#include <algorithm>
#include <climits>

namespace kpk::broker::transactions {

using protocol::ErrorCode;

namespace {

// Sequences wrap from INT32_MAX to 0.
int32_t NextSequence(int32_t sequence) { return sequence == INT32_MAX ? 0 : sequence + 1; }

int32_t LastSequence(const protocol::RecordBatchView& batch) {
  const int64_t last = static_cast<int64_t>(batch.base_sequence()) + batch.last_offset_delta();
  return static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}

}  // namespace

SequenceCheck PartitionProducerState::Check(const protocol::RecordBatchView& batch) const {
  auto it = producers_.find(batch.producer_id());
  if (it == producers_.end()) return {};  // unknown producers start fresh, as Kafka does
  const Producer& p = it->second;
  if (batch.producer_epoch() < p.epoch) return {ErrorCode::kInvalidProducerEpoch, {}};
  if (batch.base_sequence() < 0) return {};  // transactional data without idempotence
  if (batch.producer_epoch() > p.epoch) {
    // A new epoch starts its sequences again at 0.
    if (batch.base_sequence() != 0) return {ErrorCode::kOutOfOrderSequenceNumber, {}};
    return {};
  }
  for (const Batch& b : p.recent) {
    if (b.first_sequence == batch.base_sequence() && b.last_sequence == LastSequence(batch)) {
      return {ErrorCode::kNone, b.base_offset};
    }
  }
  if (!p.recent.empty() && batch.base_sequence() != NextSequence(p.recent.back().last_sequence)) {
    return {ErrorCode::kOutOfOrderSequenceNumber, {}};
  }
  return {};
}

void PartitionProducerState::OnAppend(const protocol::RecordBatchView& batch, int64_t base,
                                      int64_t last) {
  Producer& p = producers_[batch.producer_id()];
  if (batch.producer_epoch() != p.epoch) {
    p.recent.clear();
    p.epoch = batch.producer_epoch();
  }
  if (batch.base_sequence() >= 0) {
    p.recent.push_back({batch.base_sequence(), LastSequence(batch), base});
    if (p.recent.size() > kRememberedBatches) p.recent.pop_front();
  }
  p.last_timestamp = batch.max_timestamp();
  if (batch.is_transactional() && !p.txn_first_offset) {
    p.txn_first_offset = base;
    open_txns_[base] = batch.producer_id();
  }
  (void)last;
}

void PartitionProducerState::OnMarker(int64_t producer_id, int16_t epoch,
                                      protocol::ControlType type, int32_t coordinator_epoch,
                                      int64_t offset) {
  Producer& p = producers_[producer_id];
  if (epoch > p.epoch) {
    p.epoch = epoch;
    p.recent.clear();
  }
  p.coordinator_epoch = coordinator_epoch;
  if (!p.txn_first_offset) return;
  if (type == protocol::ControlType::kAbort) {
    aborted_.push_back({producer_id, *p.txn_first_offset, offset});
  }
  open_txns_.erase(*p.txn_first_offset);
  p.txn_first_offset.reset();
}

int64_t PartitionProducerState::LastStableOffset(int64_t high_watermark) const {
  return open_txns_.empty() ? high_watermark : std::min(open_txns_.begin()->first, high_watermark);
}

std::vector<AbortedTxn> PartitionProducerState::AbortedBetween(int64_t from, int64_t to) const {
  std::vector<AbortedTxn> out;
  for (const AbortedTxn& a : aborted_) {
    if (a.last_offset >= from && a.first_offset < to) out.push_back(a);
  }
  return out;
}

std::vector<ProducerSummary> PartitionProducerState::Producers() const {
  std::vector<ProducerSummary> out;
  for (const auto& [id, p] : producers_) {
    out.push_back({id, p.epoch, p.recent.empty() ? -1 : p.recent.back().last_sequence,
                   p.last_timestamp, p.coordinator_epoch, p.txn_first_offset.value_or(-1)});
  }
  return out;
}

bool PartitionProducerState::HasOpenTransaction(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it != producers_.end() && it->second.txn_first_offset.has_value();
}

void PartitionProducerState::Apply(const protocol::RecordBatchView& batch) {
  if (batch.producer_id() < 0) return;
  if (!batch.is_control()) {
    OnAppend(batch, batch.base_offset(), batch.last_offset());
    return;
  }
  protocol::RecordIterator records(batch);
  protocol::RecordView record;
  if (!records.Next(&record)) return;
  auto marker = protocol::ParseControlRecord(record);
  if (marker) {
    OnMarker(batch.producer_id(), batch.producer_epoch(), marker->type, marker->coordinator_epoch,
             batch.base_offset());
  }
}

Status PartitionProducerState::Rebuild(const storage::PartitionLog& log) {
  // Every field Apply() needs is in a batch's header, except a control batch's marker: only
  // those are read whole. A first read_committed fetch on a large log used to read all of it.
  auto is_control = [](const storage::BatchHeader& header) {
    return (header.attributes & protocol::batch_attributes::kControl) != 0;
  };
  Status s = log.ScanBatches(is_control, [this](ByteSpan bytes, bool whole) {
    auto batch = whole ? protocol::RecordBatchView::Parse(bytes)
                       : protocol::RecordBatchView::ParseHeader(bytes);
    if (!batch) return batch.error();
    Apply(*batch);
    return Status::OK();
  });
  if (!s.ok()) return s;
  TrimBefore(log.log_start_offset());
  return Status::OK();
}

void PartitionProducerState::TrimBefore(int64_t log_start_offset) {
  std::erase_if(aborted_, [&](const AbortedTxn& a) { return a.last_offset < log_start_offset; });
}

}  // namespace kpk::broker::transactions
