#include "broker/protocol/record_batch.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "common/crc32c.h"

namespace kpk::broker::protocol {
namespace {

// Builds error messages without pulling a formatting library into the pure codec.
void AppendPiece(std::string& out, std::string_view s) { out += s; }
void AppendPiece(std::string& out, const char* s) { out += s; }
template <typename T>
requires std::is_integral_v<T>
void AppendPiece(std::string& out, T v) { out += std::to_string(v); }
template <typename... Args>
std::string Msg(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}

std::string Hex32(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xF];
  return out;
}

}  // namespace

Result<RecordBatchView> RecordBatchView::Parse(ByteSpan data) {
  if (data.size() < batch_header::kSize) {
    return Err(
        Status::Corruption(Msg("record batch of ", data.size(), " bytes is shorter than its ",
                               batch_header::kSize, "-byte header")));
  }
  RecordBatchView view(data);
  int64_t expected = int64_t{view.batch_length()} + int64_t{batch_header::kLogOverhead};
  if (expected != static_cast<int64_t>(data.size())) {
    return Err(Status::Corruption(Msg("record batch length field says ", expected, " bytes but ",
                                      data.size(), " are present")));
  }
  if (view.magic() != kMagicV2) {
    return Err(Status::InvalidArgument(
        Msg("record batch magic ", int{view.magic()}, " is not supported (only 2)")));
  }
  return view;
}

Result<RecordBatchView> RecordBatchView::ParseHeader(ByteSpan header) {
  if (header.size() < batch_header::kSize) {
    return Err(Status::Corruption(Msg("record batch header of ", header.size(),
                                      " bytes is shorter than ", batch_header::kSize)));
  }
  RecordBatchView view(header);
  if (view.magic() != kMagicV2) {
    return Err(Status::InvalidArgument(
        Msg("record batch magic ", int{view.magic()}, " is not supported (only 2)")));
  }
  return view;
}

uint32_t RecordBatchView::ComputeCrc() const {
  return crc32c::Value(data_.data() + batch_header::kCrcStart,
                       data_.size() - batch_header::kCrcStart);
}

Status ValidateRecordBatch(ByteSpan batch) {
  auto view = RecordBatchView::Parse(batch);
  if (!view) return view.error();
  uint32_t actual = view->ComputeCrc();
  if (actual != view->crc()) {
    return Status::Corruption(
        Msg("record batch CRC mismatch: header ", Hex32(view->crc()), ", data ", Hex32(actual)));
  }
  if (view->record_count() < 1) {
    return Status::InvalidArgument(Msg("record batch has record count ", view->record_count()));
  }
  if (int64_t{view->last_offset_delta()} + 1 != int64_t{view->record_count()}) {
    return Status::InvalidArgument(Msg("record batch last offset delta ", view->last_offset_delta(),
                                       " does not match record count ", view->record_count()));
  }
  return Status::OK();
}

namespace {

// The record checks of RecordIterator::Next and ValidateRecords over raw pointers, with no
// RecordView to fill: under a produce of 100-byte records, iterating them had been a fifth of
// the broker's CPU. Accepts exactly what the iterator accepts (the fuzzer compares the two);
// the iterator still words the error.
class RecordScanner {
 public:
  RecordScanner(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  bool Scan(int32_t count) {
    for (int32_t expected_delta = 0; expected_delta < count; ++expected_delta) {
      int32_t length;
      if (!Varint(&length) || length < 0 || end_ - p_ < length) return false;
      if (!Body(p_ + length, expected_delta)) return false;
    }
    return p_ == end_;
  }

 private:
  bool Body(const uint8_t* body_end, int32_t expected_delta) {
    const uint8_t* outer_end = end_;
    end_ = body_end;
    int64_t timestamp_delta;
    int32_t offset_delta;
    int32_t header_count;
    bool ok = Skip(1) && Varlong(&timestamp_delta) && Varint(&offset_delta) &&
              offset_delta == expected_delta && NullableBytes() && NullableBytes() &&
              Varint(&header_count) && header_count >= 0;
    for (int32_t i = 0; ok && i < header_count; ++i) {
      int32_t key_length;
      ok = Varint(&key_length) && key_length >= 0 && Skip(key_length) && NullableBytes();
    }
    ok = ok && p_ == end_;
    end_ = outer_end;
    return ok;
  }

  bool Skip(int64_t n) {
    if (end_ - p_ < n) return false;
    p_ += n;
    return true;
  }

  bool NullableBytes() {
    int32_t length;
    return Varint(&length) && length >= -1 && (length == -1 || Skip(length));
  }

  // Unsigned LEB128 as ByteReader reads it: at most 10 bytes, the 10th holding only bit 63.
  bool UnsignedVarlong(uint64_t* out) {
    if (end_ - p_ >= 2) {
      if (p_[0] < 0x80) {
        *out = *p_++;
        return true;
      }
      if (p_[1] < 0x80) {
        *out = uint64_t{p_[0] & 0x7Fu} | uint64_t{p_[1]} << 7;
        p_ += 2;
        return true;
      }
    }
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const uint8_t b = *p_++;
      if (shift == 63 && b > 1) return false;
      value |= uint64_t{b & 0x7Fu} << shift;
      if (b < 0x80) {
        *out = value;
        return true;
      }
    }
    return false;
  }

  bool Varint(int32_t* out) {
    uint64_t raw;
    if (!UnsignedVarlong(&raw) || raw > UINT32_MAX) return false;
    const auto v = static_cast<uint32_t>(raw);
    *out = static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
    return true;
  }

  bool Varlong(int64_t* out) {
    uint64_t raw;
    if (!UnsignedVarlong(&raw)) return false;
    *out = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace

Status CheckRecordsByIterator(const RecordBatchView& batch) {
  if (batch.is_compressed()) return Status::OK();
  RecordIterator it(batch);
  RecordView record;
  int32_t expected_delta = 0;
  while (it.Next(&record)) {
    if (record.offset_delta != expected_delta) {
      return Status::InvalidArgument(
          Msg("record ", expected_delta, " has offset delta ", record.offset_delta));
    }
    ++expected_delta;
  }
  return it.status();
}

Status ValidateRecords(const RecordBatchView& batch) {
  if (batch.is_compressed()) return Status::OK();
  const ByteSpan records = batch.records_data();
  const int32_t count = batch.record_count();
  if (count >= 0 && RecordScanner(records.data(), records.data() + records.size()).Scan(count)) {
    return Status::OK();
  }
  Status why = CheckRecordsByIterator(batch);
  return why.ok() ? Status::InvalidArgument("malformed records") : why;
}

namespace {

// A nullable varint-length-prefixed byte string: length -1 is null; other negatives and lengths
// past the end are malformed.
bool ReadNullableVarBytes(ByteReader& r, std::optional<ByteSpan>* out) {
  int32_t len = r.ReadVarint();
  if (!r.ok() || len < -1) return false;
  if (len == -1) {
    out->reset();
    return true;
  }
  ByteSpan bytes = r.ReadSpan(static_cast<size_t>(len));
  if (!r.ok()) return false;
  *out = bytes;
  return true;
}

bool ReadHeader(ByteReader& r, RecordHeaderView* header) {
  int32_t key_len = r.ReadVarint();
  if (!r.ok() || key_len < 0) return false;
  header->key = AsChars(r.ReadSpan(static_cast<size_t>(key_len)));
  return r.ok() && ReadNullableVarBytes(r, &header->value);
}

}  // namespace

RecordIterator::RecordIterator(const RecordBatchView& batch)
    : reader_(batch.records_data()), remaining_records_(batch.record_count()) {
  if (batch.is_compressed()) {
    Fail("records of a compressed batch cannot be iterated");
  } else if (remaining_records_ < 0) {
    Fail("negative record count");
  }
}

bool RecordIterator::Fail(std::string_view why) {
  if (status_.ok()) {
    status_ = Status::InvalidArgument(Msg("record ", index_, ": ", why));
  }
  remaining_records_ = 0;
  reader_.Fail();
  return false;
}

bool RecordIterator::Next(RecordView* record) {
  if (!status_.ok()) return false;
  if (remaining_records_ == 0) {
    if (reader_.remaining() != 0) {
      return Fail(Msg(reader_.remaining(), " bytes after the last record"));
    }
    return false;
  }
  int32_t length = reader_.ReadVarint();
  if (!reader_.ok()) return Fail("truncated length");
  if (length < 0) return Fail("negative length");
  ByteSpan body = reader_.ReadSpan(static_cast<size_t>(length));
  if (!reader_.ok()) return Fail("length runs past the end of the batch");

  ByteReader r(body);
  record->attributes = r.ReadInt8();
  record->timestamp_delta = r.ReadVarlong();
  record->offset_delta = r.ReadVarint();
  if (!r.ok()) return Fail("truncated fields");
  if (!ReadNullableVarBytes(r, &record->key)) return Fail("malformed key");
  if (!ReadNullableVarBytes(r, &record->value)) return Fail("malformed value");
  int32_t header_count = r.ReadVarint();
  if (!r.ok() || header_count < 0) return Fail("malformed header count");
  size_t headers_start = r.position();
  RecordHeaderView header;
  for (int32_t i = 0; i < header_count; ++i) {
    // Each header takes at least two bytes, so a huge count fails after the bytes run out.
    if (!ReadHeader(r, &header)) return Fail(Msg("malformed header ", i));
  }
  if (r.remaining() != 0) return Fail("length does not match its fields");
  record->header_count = header_count;
  record->headers_data = body.subspan(headers_start);
  --remaining_records_;
  ++index_;
  return true;
}

bool RecordHeaderIterator::Next(RecordHeaderView* header) {
  if (remaining_ <= 0) return false;
  if (!ReadHeader(reader_, header)) {
    remaining_ = 0;
    return false;
  }
  --remaining_;
  return true;
}

bool RecordSetIterator::Next(ByteSpan* batch) {
  if (truncated_ || bad_length_) return false;
  size_t left = data_.size() - pos_;
  if (left == 0) return false;
  if (left < batch_header::kLogOverhead) {
    truncated_ = true;
    return false;
  }
  int32_t length = LoadBigEndian<int32_t>(data_.data() + pos_ + batch_header::kBatchLength);
  if (length < kMinLegacyBatchLength) {
    bad_length_ = true;
    return false;
  }
  size_t total = static_cast<size_t>(length) + batch_header::kLogOverhead;
  if (total > left) {
    truncated_ = true;
    return false;
  }
  *batch = data_.subspan(pos_, total);
  pos_ += total;
  return true;
}

Status RecordSetIterator::status() const {
  if (bad_length_) {
    return Status::Corruption(Msg("impossible batch length at byte ", pos_));
  }
  if (truncated_) {
    return Status::Corruption(Msg("record set ends in a partial batch at byte ", pos_, " (",
                                  data_.size() - pos_, " bytes)"));
  }
  return Status::OK();
}

void SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset) {
  StoreBigEndian(batch.data() + batch_header::kBaseOffset, base_offset);
}

void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch) {
  StoreBigEndian(batch.data() + batch_header::kPartitionLeaderEpoch, epoch);
}

void SetLogAppendTime(std::span<uint8_t> batch, int64_t now_ms) {
  uint8_t* p = batch.data();
  auto attributes = LoadBigEndian<int16_t>(p + batch_header::kAttributes);
  attributes = static_cast<int16_t>(attributes | batch_attributes::kLogAppendTime);
  StoreBigEndian(p + batch_header::kAttributes, attributes);
  StoreBigEndian(p + batch_header::kMaxTimestamp, now_ms);
  StoreCrc(batch);
}

void StoreCrc(std::span<uint8_t> batch) {
  uint32_t crc =
      crc32c::Value(batch.data() + batch_header::kCrcStart, batch.size() - batch_header::kCrcStart);
  StoreBigEndian(batch.data() + batch_header::kCrc, crc);
}

void RecordBatchBuilder::Add(int64_t timestamp, std::optional<ByteSpan> key,
                             std::optional<ByteSpan> value, std::span<const Header> headers) {
  if (count_ == 0) base_timestamp_ = timestamp;
  max_timestamp_ = count_ == 0 ? timestamp : std::max(max_timestamp_, timestamp);

  ByteWriter& w = scratch_;
  w.buffer().clear();
  w.WriteInt8(0);  // record attributes: unused in magic 2
  w.WriteVarlong(timestamp - base_timestamp_);
  w.WriteVarint(count_);
  auto write_nullable = [&w](const std::optional<ByteSpan>& b) {
    if (!b) {
      w.WriteVarint(-1);
      return;
    }
    w.WriteVarint(static_cast<int32_t>(b->size()));
    w.WriteBytes(*b);
  };
  write_nullable(key);
  write_nullable(value);
  w.WriteVarint(static_cast<int32_t>(headers.size()));
  for (const Header& h : headers) {
    w.WriteVarint(static_cast<int32_t>(h.key.size()));
    w.WriteBytes(h.key);
    write_nullable(h.value);
  }
  records_.WriteVarint(static_cast<int32_t>(w.size()));
  records_.WriteBytes(w.buffer());
  ++count_;
}

Bytes RecordBatchBuilder::Build() {
  ByteWriter w(batch_header::kSize + records_.size());
  int16_t attributes = 0;
  if (options_.timestamp_type == TimestampType::kLogAppendTime) {
    attributes |= batch_attributes::kLogAppendTime;
  }
  if (options_.transactional) attributes |= batch_attributes::kTransactional;
  if (options_.control) attributes |= batch_attributes::kControl;

  w.WriteInt64(options_.base_offset);
  w.WriteInt32(
      static_cast<int32_t>(batch_header::kSize - batch_header::kLogOverhead + records_.size()));
  w.WriteInt32(options_.partition_leader_epoch);
  w.WriteInt8(kMagicV2);
  w.WriteUint32(0);  // CRC, patched below
  w.WriteInt16(attributes);
  w.WriteInt32(count_ == 0 ? 0 : count_ - 1);
  w.WriteInt64(count_ == 0 ? -1 : base_timestamp_);
  w.WriteInt64(count_ == 0 ? -1 : max_timestamp_);
  w.WriteInt64(options_.producer_id);
  w.WriteInt16(options_.producer_epoch);
  w.WriteInt32(options_.base_sequence);
  w.WriteInt32(count_);
  w.WriteBytes(records_.buffer());

  Bytes batch = w.Take();
  StoreCrc(batch);

  records_.buffer().clear();
  count_ = 0;
  base_timestamp_ = 0;
  max_timestamp_ = -1;
  return batch;
}

Bytes BuildControlBatch(const ControlRecord& marker, int64_t producer_id, int16_t producer_epoch,
                        int64_t timestamp) {
  RecordBatchBuilder::Options options;
  options.producer_id = producer_id;
  options.producer_epoch = producer_epoch;
  options.transactional = true;
  options.control = true;
  RecordBatchBuilder builder(options);

  uint8_t key[4];
  StoreBigEndian<int16_t>(key, 0);
  StoreBigEndian<int16_t>(key + 2, static_cast<int16_t>(marker.type));
  uint8_t value[6];
  StoreBigEndian<int16_t>(value, 0);
  StoreBigEndian<int32_t>(value + 2, marker.coordinator_epoch);
  builder.Add(timestamp, ByteSpan(key), ByteSpan(value));
  return builder.Build();
}

Result<ControlRecord> ParseControlRecord(const RecordView& record) {
  if (!record.key || record.key->size() < 4) {
    return Err(Status::InvalidArgument("control record key is missing or short"));
  }
  auto key_version = LoadBigEndian<int16_t>(record.key->data());
  auto type = LoadBigEndian<int16_t>(record.key->data() + 2);
  if (key_version != 0) {
    return Err(Status::InvalidArgument(
        Msg("control record key version ", key_version, " is not supported")));
  }
  if (type != static_cast<int16_t>(ControlType::kAbort) &&
      type != static_cast<int16_t>(ControlType::kCommit)) {
    return Err(Status::InvalidArgument(Msg("control record type ", type, " is not a marker")));
  }
  // Newer value versions may append fields; the first two are fixed.
  if (!record.value || record.value->size() < 6) {
    return Err(Status::InvalidArgument("transaction marker value is missing or short"));
  }
  ControlRecord marker;
  marker.type = static_cast<ControlType>(type);
  marker.coordinator_epoch = LoadBigEndian<int32_t>(record.value->data() + 2);
  return marker;
}

}  // namespace kpk::broker::protocol
