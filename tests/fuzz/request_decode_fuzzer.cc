// libFuzzer target over the codec's hostile-input surface: request frames and record batches.
//
// The input is a request frame without its size prefix. The header is decoded with the header
// version its API key and version choose, then the body as that API's request (any key and
// version the codec knows). A body that decodes must be stable: re-encoding it and decoding
// again gives an equal message, and encoding that gives the same bytes. Every Produce records
// field, and the raw input itself, also go through the record batch splitter, validator and
// record iterator, which must agree with each other (ValidateRecords' own scanner must accept
// exactly what CheckRecordsByIterator accepts).
//
// ASan/UBSan catch reads past the input and undefined behaviour; the checks below abort on
// logic errors so libFuzzer records them as findings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "broker/protocol/record_batch.h"
#include "request_frames.h"

namespace kpk::broker::protocol {
namespace {

[[noreturn]] void Finding(const char* what) {
  std::fprintf(stderr, "request_decode_fuzzer: %s\n", what);
  std::abort();
}

// Walks the records of a batch that passed ValidateRecords: there must be exactly
// recordCount of them, and each header count must match the headers the iterator yields.
void WalkValidRecords(const RecordBatchView& view) {
  RecordIterator it(view);
  RecordView record;
  int32_t count = 0;
  while (it.Next(&record)) {
    ++count;
    RecordHeaderIterator headers(record);
    RecordHeaderView header;
    int32_t header_count = 0;
    while (headers.Next(&header)) ++header_count;
    if (header_count != record.header_count) Finding("header iterator disagrees with the record");
    if (view.is_control()) (void)ParseControlRecord(record);
  }
  if (!it.status().ok()) Finding("iterator fails a batch ValidateRecords accepted");
  if (count != view.record_count()) Finding("record count differs from the records iterated");
}

void CheckBatch(ByteSpan batch) {
  (void)ValidateRecordBatch(batch);
  auto view = RecordBatchView::Parse(batch);
  if (!view) return;
  // Records are checked whatever the CRC says: random input almost never has a valid one.
  const Status valid = ValidateRecords(*view);
  if (valid.ok() != CheckRecordsByIterator(*view).ok()) {
    Finding("ValidateRecords and the record iterator disagree");
  }
  if (valid.ok() && !view->is_compressed()) WalkValidRecords(*view);
}

void CheckRecordSet(ByteSpan records) {
  RecordSetIterator it(records);
  ByteSpan batch;
  size_t end = 0;
  while (it.Next(&batch)) {
    if (batch.data() != records.data() + end) Finding("record set batches are not contiguous");
    end += batch.size();
    CheckBatch(batch);
  }
  if (it.status().ok() != (end == records.size())) Finding("record set status disagrees");
}

void CheckProduceRecords(const ProduceRequest& produce) {
  for (const auto& topic : produce.topic_data) {
    for (const auto& partition : topic.partition_data) {
      if (partition.records) CheckRecordSet(partition.records->bytes());
    }
  }
}

// Re-encodes a decoded request and checks that it survives another decode unchanged.
template <typename T>
void CheckStable(const testing::FrameHeader& header, const T& body) {
  const Bytes frame = testing::EncodeFrame(header, body);
  auto header2 = testing::DecodeFrameHeader(frame);
  if (!header2 || !(header2->header == header.header)) Finding("re-encoded header differs");
  T body2;
  ByteReader r(ByteSpan(frame).subspan(header2->body_offset));
  if (!body2.Decode(r, header.header.request_api_version)) Finding("re-encoded body fails");
  if (!r.empty()) Finding("re-encoded body has trailing bytes");
  if (!(body2 == body)) Finding("re-decoded body differs");
  if (testing::EncodeFrame(*header2, body2) != frame) Finding("second encoding differs");
}

void CheckRequest(ByteSpan input) {
  auto header = testing::DecodeFrameHeader(input);
  if (!header) return;
  testing::VisitRequestType(header->header.request_api_key, [&](auto type) {
    using T = typename decltype(type)::type;
    T body;
    ByteReader r(input.subspan(header->body_offset));
    if (!body.Decode(r, header->header.request_api_version)) return;
    CheckStable(*header, body);
    if constexpr (std::is_same_v<T, ProduceRequest>) CheckProduceRecords(body);
  });
}

}  // namespace
}  // namespace kpk::broker::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const kpk::ByteSpan input(data, size);
  kpk::broker::protocol::CheckRequest(input);
  kpk::broker::protocol::CheckRecordSet(input);
  kpk::broker::protocol::CheckBatch(input);
  return 0;
}
