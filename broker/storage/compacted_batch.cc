#include "broker/storage/compacted_batch.h"

#include <algorithm>

#include "broker/storage/compression.h"

namespace kpk::broker::storage {

namespace bh = protocol::batch_header;
namespace attr = protocol::batch_attributes;

OpenedBatch::OpenedBatch(protocol::RecordBatchView original, Bytes plain_bytes)
    : original_(original), plain_bytes_(std::move(plain_bytes)), plain_(original) {}

Result<OpenedBatch> OpenedBatch::Open(const protocol::RecordBatchView& batch) {
  if (!batch.is_compressed()) return OpenedBatch(batch, {});
  auto records = Decompress(batch.compression(), batch.records_data());
  if (!records) return Err(records.error());
  Bytes plain(bh::kSize + records->size());
  std::copy_n(batch.data().begin(), bh::kSize, plain.begin());
  std::copy(records->begin(), records->end(), plain.begin() + bh::kSize);
  const auto attributes = static_cast<int16_t>(batch.attributes() & ~attr::kCompressionMask);
  StoreBigEndian<int16_t>(plain.data() + bh::kAttributes, attributes);
  StoreBigEndian<int32_t>(plain.data() + bh::kBatchLength,
                          static_cast<int32_t>(plain.size() - bh::kLogOverhead));
  OpenedBatch opened(batch, std::move(plain));
  auto view = protocol::RecordBatchView::Parse(opened.plain_bytes_);
  if (!view) return Err(view.error());
  opened.plain_ = *view;
  return opened;
}

Status OpenedBatch::ForEach(
    const std::function<void(const protocol::RecordView&, ByteSpan raw)>& visit) const {
  protocol::RecordIterator records(plain_);
  ByteReader lengths(plain_.records_data());
  protocol::RecordView record;
  while (records.Next(&record)) {
    // The iterator has checked the record, so its length prefix and body are there.
    const size_t start = lengths.position();
    const int32_t body = lengths.ReadVarint();
    lengths.Skip(static_cast<size_t>(body));
    visit(record, plain_.records_data().subspan(start, lengths.position() - start));
  }
  if (!records.status().ok()) {
    return Status::Corruption("batch at offset " + std::to_string(original_.base_offset()) + ": " +
                              records.status().message());
  }
  return Status::OK();
}

Status ValidateCompactedBatch(ByteSpan batch) {
  auto view = protocol::RecordBatchView::Parse(batch);
  if (!view) return Status::Corruption(view.error().message());
  if (view->ComputeCrc() != view->crc()) return Status::Corruption("record batch CRC mismatch");
  if (view->record_count() < 0 || view->last_offset_delta() < 0 ||
      view->record_count() > int64_t{view->last_offset_delta()} + 1) {
    return Status::Corruption("record batch counts " + std::to_string(view->record_count()) +
                              " records over " + std::to_string(view->last_offset_delta() + 1) +
                              " offsets");
  }
  return Status::OK();
}

namespace {

// A header for `records` (already encoded with the header's codec) holding `count` records.
Bytes Frame(const protocol::RecordBatchView& original, int16_t attributes, ByteSpan records,
            int32_t count, int64_t max_timestamp) {
  Bytes out(bh::kSize + records.size());
  std::copy_n(original.data().begin(), bh::kSize, out.begin());
  std::copy(records.begin(), records.end(), out.begin() + bh::kSize);
  StoreBigEndian<int32_t>(out.data() + bh::kBatchLength,
                          static_cast<int32_t>(out.size() - bh::kLogOverhead));
  StoreBigEndian<int16_t>(out.data() + bh::kAttributes, attributes);
  StoreBigEndian<int64_t>(out.data() + bh::kMaxTimestamp, max_timestamp);
  StoreBigEndian<int32_t>(out.data() + bh::kRecordCount, count);
  protocol::StoreCrc(out);
  return out;
}

}  // namespace

Result<std::optional<Bytes>> FilterBatch(
    const OpenedBatch& batch,
    const std::function<bool(const protocol::RecordView&, int64_t offset)>& keep, bool keep_empty) {
  const protocol::RecordBatchView& original = batch.original();
  Bytes kept;
  int32_t count = 0;
  int32_t total = 0;
  int64_t max_timestamp = -1;
  Status s = batch.ForEach([&](const protocol::RecordView& record, ByteSpan raw) {
    ++total;
    if (!keep(record, original.base_offset() + record.offset_delta)) return;
    ++count;
    kept.insert(kept.end(), raw.begin(), raw.end());
    max_timestamp = std::max(max_timestamp, original.base_timestamp() + record.timestamp_delta);
  });
  if (!s.ok()) return Err(s);
  if (count == total) return std::optional<Bytes>();
  if (count == 0) {
    if (!keep_empty) return std::optional<Bytes>(Bytes{});
    // Kafka writes an empty batch without a codec and with the original's timestamps.
    const auto attributes = static_cast<int16_t>(original.attributes() & ~attr::kCompressionMask);
    return std::optional<Bytes>(Frame(original, attributes, {}, 0, original.max_timestamp()));
  }
  // Under LogAppendTime the broker's stamp stands for every record.
  if (original.timestamp_type() == protocol::TimestampType::kLogAppendTime) {
    max_timestamp = original.max_timestamp();
  }
  if (!original.is_compressed()) {
    return std::optional<Bytes>(Frame(original, original.attributes(), kept, count, max_timestamp));
  }
  auto packed = Compress(original.compression(), kept);
  if (!packed) return Err(packed.error());
  return std::optional<Bytes>(
      Frame(original, original.attributes(), *packed, count, max_timestamp));
}

}  // namespace kpk::broker::storage
