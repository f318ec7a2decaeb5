// Kafka record batches (magic 2): a header view, validation, a zero-copy record iterator, a
// splitter for record sets, the in-place rewrites the log does on append, and a builder.
//
// Everything here works on a batch's bytes exactly as they travel on the wire and sit in a log
// segment. Nothing allocates while reading and nothing reads outside the span it was given, so
// these functions are safe on hostile input: a malformed batch yields a Status, never a crash.
//
// Layout (all integers big-endian; see also Kafka's implementation.html "Record Batch"):
//
//   0  baseOffset int64            27 baseTimestamp int64
//   8  batchLength int32           35 maxTimestamp int64
//   12 partitionLeaderEpoch int32  43 producerId int64
//   16 magic int8 (= 2)            51 producerEpoch int16
//   17 crc uint32                  53 baseSequence int32
//   21 attributes int16            57 recordCount int32
//   23 lastOffsetDelta int32       61 records...
//
// batchLength counts the bytes after itself, so a batch occupies batchLength + 12 bytes. The
// CRC32C covers attributes to the end: a broker may rewrite baseOffset and partitionLeaderEpoch
// without recomputing it, but not the timestamps or attributes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace kpk::broker::protocol {

// Byte positions of the header fields, and sizes.
namespace batch_header {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordCount = 57;
inline constexpr size_t kRecords = 61;
// The whole header: a batch is never shorter than this.
inline constexpr size_t kSize = 61;
// baseOffset and batchLength, which batchLength does not count (Kafka's LOG_OVERHEAD).
inline constexpr size_t kLogOverhead = 12;
// The CRC covers [kCrcStart, end).
inline constexpr size_t kCrcStart = kAttributes;
}  // namespace batch_header

inline constexpr int8_t kMagicV2 = 2;
// The smallest batchLength any message format can have (a v0 message with null key and value);
// used to walk record sets without knowing their magic.
inline constexpr int32_t kMinLegacyBatchLength = 14;
inline constexpr int32_t kMinBatchLengthV2 = batch_header::kSize - batch_header::kLogOverhead;

// Attribute bits.
namespace batch_attributes {
inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kLogAppendTime = 0x08;
inline constexpr int16_t kTransactional = 0x10;
inline constexpr int16_t kControl = 0x20;
inline constexpr int16_t kDeleteHorizon = 0x40;
}  // namespace batch_attributes

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;

// Read-only accessors over the header of one batch. Does not own the bytes; the caller keeps
// them alive and unchanged while the view is used. Copyable and cheap.
class RecordBatchView {
 public:
  // Checks only what every accessor needs: at least a full header, magic 2, and batchLength
  // matching data.size(). Use ValidateRecordBatch for the CRC and the counts.
  static Result<RecordBatchView> Parse(ByteSpan data);
  // A view of a batch's header alone, for walks that read no records: at least a full header
  // and magic 2. data() and records_data() then hold only the bytes given.
  static Result<RecordBatchView> ParseHeader(ByteSpan header);

  int64_t base_offset() const { return Load<int64_t>(batch_header::kBaseOffset); }
  int32_t batch_length() const { return Load<int32_t>(batch_header::kBatchLength); }
  int32_t partition_leader_epoch() const {
    return Load<int32_t>(batch_header::kPartitionLeaderEpoch);
  }
  int8_t magic() const { return Load<int8_t>(batch_header::kMagic); }
  uint32_t crc() const { return Load<uint32_t>(batch_header::kCrc); }
  int16_t attributes() const { return Load<int16_t>(batch_header::kAttributes); }
  int32_t last_offset_delta() const { return Load<int32_t>(batch_header::kLastOffsetDelta); }
  int64_t base_timestamp() const { return Load<int64_t>(batch_header::kBaseTimestamp); }
  int64_t max_timestamp() const { return Load<int64_t>(batch_header::kMaxTimestamp); }
  int64_t producer_id() const { return Load<int64_t>(batch_header::kProducerId); }
  int16_t producer_epoch() const { return Load<int16_t>(batch_header::kProducerEpoch); }
  int32_t base_sequence() const { return Load<int32_t>(batch_header::kBaseSequence); }
  int32_t record_count() const { return Load<int32_t>(batch_header::kRecordCount); }

  Compression compression() const {
    return static_cast<Compression>(attributes() & batch_attributes::kCompressionMask);
  }
  bool is_compressed() const { return compression() != Compression::kNone; }
  TimestampType timestamp_type() const {
    return (attributes() & batch_attributes::kLogAppendTime) ? TimestampType::kLogAppendTime
                                                             : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return attributes() & batch_attributes::kTransactional; }
  bool is_control() const { return attributes() & batch_attributes::kControl; }

  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  // The offset the record after this batch gets.
  int64_t next_offset() const { return last_offset() + 1; }

  // The whole batch, and the (possibly compressed) bytes after the header.
  ByteSpan data() const { return data_; }
  ByteSpan records_data() const { return data_.subspan(batch_header::kRecords); }
  size_t size() const { return data_.size(); }

  // CRC32C over [kCrcStart, end), to compare with crc().
  uint32_t ComputeCrc() const;

 private:
  explicit RecordBatchView(ByteSpan data) : data_(data) {}
  template <typename T>
  T Load(size_t pos) const {
    return LoadBigEndian<T>(data_.data() + pos);
  }

  ByteSpan data_;
};

// Checks a batch the way a broker does before appending it: framing (batchLength matches the
// span, magic 2), the CRC, recordCount >= 1 and recordCount == lastOffsetDelta + 1 (Kafka's
// LogValidator requires this of every v2 batch, compressed or not). Does not parse records.
// Returns kCorruption when the bytes are damaged (CRC mismatch, length inconsistent with the
// span: Kafka's CORRUPT_MESSAGE) and kInvalidArgument when they are intact but not an
// acceptable batch (wrong magic, bad counts: INVALID_RECORD).
Status ValidateRecordBatch(ByteSpan batch);

// Parses every record of an uncompressed batch and checks that there are exactly recordCount
// well-formed records with offset deltas 0, 1, 2, ... and nothing after them (kInvalidArgument
// otherwise). Compressed batches are accepted unexamined: they are stored as-is.
Status ValidateRecords(const RecordBatchView& batch);
// The same checks made by walking RecordIterator: slower, but it says which record is wrong
// and how. ValidateRecords words its errors with it, and tests hold the two to the same
// verdict.
Status CheckRecordsByIterator(const RecordBatchView& batch);

// A record header: a non-null string key and a nullable value.
struct RecordHeaderView {
  std::string_view key;
  std::optional<ByteSpan> value;
};

// One record, as views into the batch's bytes (valid as long as those bytes are).
struct RecordView {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<ByteSpan> key;    // nullopt: null key
  std::optional<ByteSpan> value;  // nullopt: null value (a tombstone)
  int32_t header_count = 0;
  // The encoded headers; walk them with RecordHeaderIterator.
  ByteSpan headers_data;
};

// Decodes the records of one uncompressed batch in order, without copying. Each record is
// checked in full (its length prefix, every field and every header) before it is returned.
// The batch's bytes must outlive the iterator and the RecordViews it yields.
class RecordIterator {
 public:
  explicit RecordIterator(const RecordBatchView& batch);

  // Fills *record and returns true, or returns false at the end of the batch or on the first
  // malformed record; status() tells which. Iterating a compressed batch fails at once.
  bool Next(RecordView* record);
  // OK while iterating and after a clean end (exactly recordCount records, no bytes left).
  const Status& status() const { return status_; }

 private:
  bool Fail(std::string_view why);

  ByteReader reader_;
  int32_t remaining_records_;
  int32_t index_ = 0;
  Status status_;
};

// Walks the headers of a record returned by RecordIterator (which has already checked them).
class RecordHeaderIterator {
 public:
  explicit RecordHeaderIterator(const RecordView& record)
      : reader_(record.headers_data), remaining_(record.header_count) {}
  bool Next(RecordHeaderView* header);

 private:
  ByteReader reader_;
  int32_t remaining_;
};

// Splits a record set (e.g. a Produce request's `records`, or a stretch of a log segment) into
// successive batches by their batchLength fields. Works for any magic; validates nothing but
// the framing. The bytes must outlive the iterator and the spans it yields.
class RecordSetIterator {
 public:
  explicit RecordSetIterator(ByteSpan records) : data_(records) {}

  // Sets *batch to the next whole batch and returns true; false at the end of the set, or when
  // the rest is not a whole batch (see status()).
  bool Next(ByteSpan* batch);
  // Byte position of the next batch within the record set.
  size_t position() const { return pos_; }
  // After Next returned false: true when bytes were left that do not form a whole batch.
  bool truncated() const { return truncated_; }
  // OK at a clean end; kCorruption naming the position when the set ends in a partial batch or
  // a batchLength is impossible.
  Status status() const;

 private:
  ByteSpan data_;
  size_t pos_ = 0;
  bool truncated_ = false;
  bool bad_length_ = false;
};

// In-place rewrites done when a batch is appended to a log. `batch` must hold a whole batch
// that passed RecordBatchView::Parse (at least kSize bytes).
void SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset);
// partitionLeaderEpoch is not covered by the CRC, so this keeps the batch valid.
void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch);
// Marks the batch LogAppendTime with maxTimestamp = now_ms and recomputes the CRC (both fields
// are covered by it). Consumers then use maxTimestamp as every record's timestamp.
void SetLogAppendTime(std::span<uint8_t> batch, int64_t now_ms);
// Stores the CRC of the batch's bytes from attributes on, after a change to them.
void StoreCrc(std::span<uint8_t> batch);

// Builds one batch from records. Offsets deltas are 0, 1, 2, ...; baseTimestamp is the first
// record's timestamp and maxTimestamp the largest. Not thread-safe; reusable after Build().
class RecordBatchBuilder {
 public:
  struct Options {
    int64_t base_offset = 0;
    int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
    int64_t producer_id = kNoProducerId;
    int16_t producer_epoch = kNoProducerEpoch;
    int32_t base_sequence = kNoSequence;
    bool transactional = false;
    bool control = false;
    TimestampType timestamp_type = TimestampType::kCreateTime;
  };
  struct Header {
    std::string_view key;
    std::optional<ByteSpan> value;
  };

  RecordBatchBuilder() : RecordBatchBuilder(Options{}) {}
  explicit RecordBatchBuilder(const Options& options) : options_(options) {}

  // Copies the record into the batch being built.
  void Add(int64_t timestamp, std::optional<ByteSpan> key, std::optional<ByteSpan> value,
           std::span<const Header> headers = {});
  int32_t record_count() const { return count_; }

  // Returns the finished batch with its CRC and starts a new, empty one with the same options.
  // A batch with no records is returned too (recordCount 0), but no broker accepts it.
  Bytes Build();

 private:
  Options options_;
  ByteWriter records_;
  ByteWriter scratch_;
  int32_t count_ = 0;
  int64_t base_timestamp_ = 0;
  int64_t max_timestamp_ = -1;
};

// Transaction markers: the single record of a control batch.
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };

struct ControlRecord {
  ControlType type = ControlType::kAbort;
  int32_t coordinator_epoch = 0;
};

// A control batch (transactional + control attributes) holding one marker record:
// key = (version int16 0, type int16), value = (version int16 0, coordinatorEpoch int32).
Bytes BuildControlBatch(const ControlRecord& marker, int64_t producer_id, int16_t producer_epoch,
                        int64_t timestamp);

// Decodes a marker record from a control batch; kInvalidArgument if it is not one.
Result<ControlRecord> ParseControlRecord(const RecordView& record);

}  // namespace kpk::broker::protocol
