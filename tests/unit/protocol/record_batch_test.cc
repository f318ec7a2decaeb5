#include "broker/protocol/record_batch.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/crc32c.h"

namespace kpk::broker::protocol {
namespace {

Bytes LoadFixture(const std::string& name) {
  std::string path = std::string(KPK_RECORD_BATCH_FIXTURES) + "/" + name;
  Bytes out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    uint8_t buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    std::fclose(f);
  }
  REQUIRE_MESSAGE(!out.empty(), "missing fixture " << path);
  return out;
}

std::string Str(ByteSpan b) { return std::string(AsChars(b)); }

// Recomputes the CRC after a test edits covered bytes on purpose.
void Reseal(Bytes& batch) {
  StoreBigEndian(batch.data() + batch_header::kCrc,
                 crc32c::Value(batch.data() + batch_header::kCrcStart,
                               batch.size() - batch_header::kCrcStart));
}

// Iterates every record, returning how many were decoded and leaving the final status in *s.
int CountRecords(const RecordBatchView& view, Status* s) {
  RecordIterator it(view);
  RecordView r;
  int n = 0;
  while (n < 1000000 && it.Next(&r)) ++n;
  *s = it.status();
  return n;
}

// A batch of one record whose body is `body` as given (length prefix added), resealed.
Bytes BatchWithRecordBody(const Bytes& body) {
  RecordBatchBuilder b;
  b.Add(1000, std::nullopt, AsBytes(std::string("v")));
  Bytes bytes = b.Build();
  bytes.resize(batch_header::kRecords);
  ByteWriter w;
  w.WriteVarint(static_cast<int32_t>(body.size()));
  Bytes prefix = w.Take();
  bytes.insert(bytes.end(), prefix.begin(), prefix.end());
  bytes.insert(bytes.end(), body.begin(), body.end());
  StoreBigEndian<int32_t>(bytes.data() + batch_header::kBatchLength,
                          static_cast<int32_t>(bytes.size() - batch_header::kLogOverhead));
  Reseal(bytes);
  return bytes;
}

Bytes SampleBatch() {
  RecordBatchBuilder b;
  const std::string v1 = "value-1", k2 = "key-2", hv = "header-value";
  RecordBatchBuilder::Header headers[] = {{"h", AsBytes(hv)}, {"null-valued", std::nullopt}};
  b.Add(1000, std::nullopt, AsBytes(v1));
  b.Add(1005, AsBytes(k2), std::nullopt, headers);
  b.Add(990, AsBytes(""), AsBytes(""));
  return b.Build();
}

TEST_CASE("a batch produced by kcat (librdkafka 2.0.2) validates and decodes") {
  Bytes bytes = LoadFixture("kcat_uncompressed.bin");
  REQUIRE(ValidateRecordBatch(bytes).ok());
  auto view = RecordBatchView::Parse(bytes);
  REQUIRE(view);
  CHECK(view->magic() == 2);
  CHECK(view->base_offset() == 0);
  CHECK(view->record_count() == 3);
  CHECK(view->last_offset_delta() == 2);
  CHECK(view->compression() == Compression::kNone);
  CHECK(view->timestamp_type() == TimestampType::kCreateTime);
  CHECK_FALSE(view->is_transactional());
  CHECK_FALSE(view->is_control());
  CHECK(view->producer_id() == kNoProducerId);
  CHECK(view->max_timestamp() >= view->base_timestamp());
  CHECK(ValidateRecords(*view).ok());

  RecordIterator it(*view);
  RecordView r;
  std::vector<std::string> keys, values;
  while (it.Next(&r)) {
    keys.push_back(r.key ? Str(*r.key) : "<null>");
    values.push_back(r.value ? Str(*r.value) : "<null>");
    RecordHeaderIterator hit(r);
    RecordHeaderView h;
    REQUIRE(hit.Next(&h));
    CHECK(h.key == "h1");
    REQUIRE(h.value);
    CHECK(Str(*h.value) == "v1");
    CHECK_FALSE(hit.Next(&h));
  }
  CHECK(it.status().ok());
  // kcat -K: sends an empty key, not a null one, for a line that starts with the delimiter.
  CHECK(keys == std::vector<std::string>{"key1", "key2", ""});
  CHECK(values == std::vector<std::string>{"hello world", "second record", "no key here"});
}

TEST_CASE("an idempotent producer's batch carries its producer id, epoch and sequence") {
  Bytes bytes = LoadFixture("kcat_idempotent.bin");
  REQUIRE(ValidateRecordBatch(bytes).ok());
  auto view = RecordBatchView::Parse(bytes);
  REQUIRE(view);
  CHECK(view->producer_id() >= 0);
  CHECK(view->producer_epoch() == 0);
  CHECK(view->base_sequence() == 0);
  CHECK(view->record_count() == 3);
}

TEST_CASE("compressed batches validate by CRC and are not iterated") {
  const std::pair<const char*, Compression> cases[] = {{"kcat_gzip.bin", Compression::kGzip},
                                                       {"kcat_snappy.bin", Compression::kSnappy},
                                                       {"kcat_lz4.bin", Compression::kLz4},
                                                       {"kcat_zstd.bin", Compression::kZstd}};
  for (const auto& [name, codec] : cases) {
    CAPTURE(name);
    Bytes bytes = LoadFixture(name);
    CHECK(ValidateRecordBatch(bytes).ok());
    auto view = RecordBatchView::Parse(bytes);
    REQUIRE(view);
    CHECK(view->compression() == codec);
    CHECK(view->record_count() == 20);
    CHECK(ValidateRecords(*view).ok());
    Status s;
    CHECK(CountRecords(*view, &s) == 0);
    CHECK(s.code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("every flipped bit under the CRC is caught; base offset and epoch are not covered") {
  Bytes good = LoadFixture("kcat_uncompressed.bin");
  for (size_t i = batch_header::kCrc; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[i] ^= static_cast<uint8_t>(1 << bit);
      Status s = ValidateRecordBatch(bad);
      CHECK_MESSAGE(s.code() == Status::Code::kCorruption, "byte " << i << " bit " << bit);
    }
  }
  Bytes moved = good;
  SetBaseOffset(moved, 1234567890123);
  SetPartitionLeaderEpoch(moved, 7);
  CHECK(ValidateRecordBatch(moved).ok());
  auto view = RecordBatchView::Parse(moved);
  REQUIRE(view);
  CHECK(view->base_offset() == 1234567890123);
  CHECK(view->partition_leader_epoch() == 7);
  CHECK(view->last_offset() == 1234567890125);
  CHECK(view->next_offset() == 1234567890126);
}

TEST_CASE("every truncation of a batch is rejected without over-reading") {
  Bytes good = LoadFixture("kcat_uncompressed.bin");
  for (size_t n = 0; n < good.size(); ++n) {
    // A fresh allocation of exactly n bytes so AddressSanitizer sees any read past the end.
    Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_FALSE(ValidateRecordBatch(cut).ok());
    CHECK_FALSE(RecordBatchView::Parse(cut).has_value());
    RecordSetIterator set(cut);
    ByteSpan batch;
    CHECK_FALSE(set.Next(&batch));
    CHECK(set.truncated() == (n > 0));
    CHECK(set.status().ok() == (n == 0));
  }
}

TEST_CASE("magic, counts and offset deltas are checked") {
  Bytes good = SampleBatch();
  REQUIRE(ValidateRecordBatch(good).ok());

  Bytes magic1 = good;
  magic1[batch_header::kMagic] = 1;
  CHECK(ValidateRecordBatch(magic1).code() == Status::Code::kInvalidArgument);

  Bytes zero = good;
  StoreBigEndian<int32_t>(zero.data() + batch_header::kRecordCount, 0);
  StoreBigEndian<int32_t>(zero.data() + batch_header::kLastOffsetDelta, -1);
  Reseal(zero);
  CHECK(ValidateRecordBatch(zero).code() == Status::Code::kInvalidArgument);

  Bytes mismatch = good;
  StoreBigEndian<int32_t>(mismatch.data() + batch_header::kLastOffsetDelta, 5);
  Reseal(mismatch);
  CHECK(ValidateRecordBatch(mismatch).code() == Status::Code::kInvalidArgument);

  // Claims more records than it holds: the iterator runs out of bytes.
  Bytes more = good;
  StoreBigEndian<int32_t>(more.data() + batch_header::kRecordCount, 4);
  StoreBigEndian<int32_t>(more.data() + batch_header::kLastOffsetDelta, 3);
  Reseal(more);
  CHECK(ValidateRecordBatch(more).ok());
  CHECK(ValidateRecords(*RecordBatchView::Parse(more)).code() == Status::Code::kInvalidArgument);

  // Claims fewer: the bytes left over are an error.
  Bytes fewer = good;
  StoreBigEndian<int32_t>(fewer.data() + batch_header::kRecordCount, 2);
  StoreBigEndian<int32_t>(fewer.data() + batch_header::kLastOffsetDelta, 1);
  Reseal(fewer);
  Status s;
  CHECK(CountRecords(*RecordBatchView::Parse(fewer), &s) == 2);
  CHECK(s.code() == Status::Code::kInvalidArgument);
}

TEST_CASE("the builder round-trips keys, values, nulls, headers and timestamps") {
  Bytes bytes = SampleBatch();
  REQUIRE(ValidateRecordBatch(bytes).ok());
  auto view = RecordBatchView::Parse(bytes);
  REQUIRE(view);
  CHECK(view->record_count() == 3);
  CHECK(view->base_timestamp() == 1000);
  CHECK(view->max_timestamp() == 1005);
  CHECK(view->producer_id() == -1);
  CHECK(view->partition_leader_epoch() == -1);
  REQUIRE(ValidateRecords(*view).ok());

  RecordIterator it(*view);
  RecordView r;
  REQUIRE(it.Next(&r));
  CHECK_FALSE(r.key);
  CHECK(Str(*r.value) == "value-1");
  CHECK(r.timestamp_delta == 0);
  CHECK(r.header_count == 0);
  REQUIRE(it.Next(&r));
  CHECK(Str(*r.key) == "key-2");
  CHECK_FALSE(r.value);
  CHECK(r.offset_delta == 1);
  CHECK(r.timestamp_delta == 5);
  REQUIRE(r.header_count == 2);
  RecordHeaderIterator hit(r);
  RecordHeaderView h;
  REQUIRE(hit.Next(&h));
  CHECK(h.key == "h");
  CHECK(Str(*h.value) == "header-value");
  REQUIRE(hit.Next(&h));
  CHECK(h.key == "null-valued");
  CHECK_FALSE(h.value);
  CHECK_FALSE(hit.Next(&h));
  REQUIRE(it.Next(&r));
  CHECK(r.key);
  CHECK(r.key->empty());
  CHECK(r.value->empty());
  CHECK(r.timestamp_delta == -10);
  CHECK_FALSE(it.Next(&r));
  CHECK(it.status().ok());
}

TEST_CASE("the builder is reusable and sets producer fields and flags") {
  RecordBatchBuilder::Options options;
  options.base_offset = 42;
  options.producer_id = 9;
  options.producer_epoch = 3;
  options.base_sequence = 100;
  options.transactional = true;
  RecordBatchBuilder b(options);
  const std::string v = "x";
  b.Add(5, std::nullopt, AsBytes(v));
  Bytes first = b.Build();
  CHECK(b.record_count() == 0);
  b.Add(6, std::nullopt, AsBytes(v));
  b.Add(7, std::nullopt, AsBytes(v));
  Bytes second = b.Build();
  auto v1 = RecordBatchView::Parse(first);
  auto v2 = RecordBatchView::Parse(second);
  REQUIRE(v1);
  REQUIRE(v2);
  CHECK(ValidateRecordBatch(second).ok());
  CHECK(v1->record_count() == 1);
  CHECK(v2->record_count() == 2);
  CHECK(v2->base_timestamp() == 6);
  CHECK(v2->base_offset() == 42);
  CHECK(v2->producer_id() == 9);
  CHECK(v2->producer_epoch() == 3);
  CHECK(v2->base_sequence() == 100);
  CHECK(v2->is_transactional());
  CHECK_FALSE(v2->is_control());
}

TEST_CASE("SetLogAppendTime sets the type and max timestamp and keeps the CRC valid") {
  Bytes bytes = LoadFixture("kcat_lz4.bin");
  SetLogAppendTime(bytes, 1700000000123);
  CHECK(ValidateRecordBatch(bytes).ok());
  auto view = RecordBatchView::Parse(bytes);
  REQUIRE(view);
  CHECK(view->timestamp_type() == TimestampType::kLogAppendTime);
  CHECK(view->max_timestamp() == 1700000000123);
  CHECK(view->compression() == Compression::kLz4);
}

TEST_CASE("control batches carry a commit or abort marker") {
  for (ControlType type : {ControlType::kAbort, ControlType::kCommit}) {
    Bytes bytes = BuildControlBatch({type, 17}, 5000, 2, 123456);
    REQUIRE(ValidateRecordBatch(bytes).ok());
    auto view = RecordBatchView::Parse(bytes);
    REQUIRE(view);
    CHECK(view->is_control());
    CHECK(view->is_transactional());
    CHECK(view->producer_id() == 5000);
    CHECK(view->producer_epoch() == 2);
    CHECK(view->record_count() == 1);
    RecordIterator it(*view);
    RecordView r;
    REQUIRE(it.Next(&r));
    REQUIRE(r.key->size() == 4);
    CHECK(LoadBigEndian<int16_t>(r.key->data()) == 0);
    CHECK(LoadBigEndian<int16_t>(r.key->data() + 2) == static_cast<int16_t>(type));
    auto marker = ParseControlRecord(r);
    REQUIRE(marker);
    CHECK(marker->type == type);
    CHECK(marker->coordinator_epoch == 17);
  }
  RecordBatchBuilder b;
  const std::string k = "not a marker";
  b.Add(1, AsBytes(k), std::nullopt);
  Bytes plain = b.Build();
  RecordIterator it(*RecordBatchView::Parse(plain));
  RecordView r;
  REQUIRE(it.Next(&r));
  CHECK_FALSE(ParseControlRecord(r));
}

TEST_CASE("a record set splits into batches and reports a partial last batch") {
  Bytes a = LoadFixture("kcat_uncompressed.bin");
  Bytes b = SampleBatch();
  Bytes c = LoadFixture("kcat_zstd.bin");
  Bytes set;
  for (const Bytes* part : {&a, &b, &c}) set.insert(set.end(), part->begin(), part->end());

  RecordSetIterator it(set);
  ByteSpan batch;
  std::vector<size_t> sizes;
  while (it.Next(&batch)) {
    CHECK(ValidateRecordBatch(batch).ok());
    sizes.push_back(batch.size());
  }
  CHECK(it.status().ok());
  CHECK(sizes == std::vector<size_t>{a.size(), b.size(), c.size()});

  Bytes partial(set.begin(), set.end() - 10);
  RecordSetIterator cut(partial);
  int n = 0;
  while (cut.Next(&batch)) ++n;
  CHECK(n == 2);
  CHECK(cut.truncated());
  CHECK(cut.position() == a.size() + b.size());
  CHECK(cut.status().code() == Status::Code::kCorruption);

  Bytes bad = a;
  StoreBigEndian<int32_t>(bad.data() + batch_header::kBatchLength, -5);
  RecordSetIterator neg(bad);
  CHECK_FALSE(neg.Next(&batch));
  CHECK_FALSE(neg.truncated());
  CHECK(neg.status().code() == Status::Code::kCorruption);
}

TEST_CASE("random damage to resealed records fails cleanly") {
  // The CRC is recomputed after each mutation so the record decoder itself sees the damage.
  std::mt19937 rng(12345);
  Bytes sources[] = {LoadFixture("kcat_uncompressed.bin"), SampleBatch()};
  int decoded_ok = 0, rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes bytes = sources[round % 2];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = batch_header::kRecords + rng() % (bytes.size() - batch_header::kRecords);
      bytes[at] = static_cast<uint8_t>(rng());
    }
    if (rng() % 4 == 0) {  // also cut the tail and fix the length so framing still holds
      size_t keep = batch_header::kSize + rng() % (bytes.size() - batch_header::kSize + 1);
      bytes.resize(keep);
      bytes.shrink_to_fit();
      StoreBigEndian<int32_t>(bytes.data() + batch_header::kBatchLength,
                              static_cast<int32_t>(keep - batch_header::kLogOverhead));
    }
    Reseal(bytes);
    auto view = RecordBatchView::Parse(bytes);
    REQUIRE(view);
    Status s;
    CountRecords(*view, &s);
    REQUIRE(ValidateRecords(*view).ok() == CheckRecordsByIterator(*view).ok());
    if (s.ok()) {
      ++decoded_ok;
    } else {
      ++rejected;
    }
  }
  CHECK(rejected > 0);
  CHECK(decoded_ok + rejected == 20000);
}

TEST_CASE("ValidateRecords reads varints exactly as the record iterator does") {
  // attributes, timestampDelta, offsetDelta, key length, value length, "v", header count
  const Bytes minimal = {0x00, 0x00, 0x00, 0x01, 0x02, 'v', 0x00};
  // The same fields in over-long encodings, which ByteReader accepts while the value fits.
  const Bytes padded = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x80,
                        0x80, 0x80, 0x80, 0x00, 0x01, 0x82, 0x80, 0x00, 'v',  0x80, 0x00};
  // A 10th varlong byte above 1, and an offset delta beyond 32 bits.
  const Bytes long_varlong = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                              0xFF, 0xFF, 0x02, 0x00, 0x01, 0x02, 'v',  0x00};
  const Bytes wide_delta = {0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x20, 0x01, 0x02, 'v', 0x00};
  // Key length -2, a negative header count, and a header key running past the record.
  const Bytes bad_key = {0x00, 0x00, 0x00, 0x03, 0x02, 'v', 0x00};
  const Bytes bad_headers = {0x00, 0x00, 0x00, 0x01, 0x02, 'v', 0x01};
  const Bytes long_header_key = {0x00, 0x00, 0x00, 0x01, 0x02, 'v', 0x02, 0x08, 'k', 0x01};
  const Bytes header_ok = {0x00, 0x00, 0x00, 0x01, 0x02, 'v', 0x02, 0x02, 'k', 0x01};
  struct Case {
    const Bytes* body;
    bool valid;
  } cases[] = {{&minimal, true},          {&padded, true},   {&long_varlong, false},
               {&wide_delta, false},      {&bad_key, false}, {&bad_headers, false},
               {&long_header_key, false}, {&header_ok, true}};
  for (const Case& c : cases) {
    Bytes bytes = BatchWithRecordBody(*c.body);
    auto view = RecordBatchView::Parse(bytes);
    REQUIRE(view);
    CHECK(CheckRecordsByIterator(*view).ok() == c.valid);
    CHECK(ValidateRecords(*view).ok() == c.valid);
  }
}

}  // namespace
}  // namespace kpk::broker::protocol
