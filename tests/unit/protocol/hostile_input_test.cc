// Decoding never trusts a length: negative, huge or truncated input, huge tag counts and
// overlong varints make Decode return false, without crashing, reading past the input (the
// fuzz build checks that part under ASan) or allocating in proportion to what a length claims.
//
// This binary replaces the global operator new to record allocation sizes, so the tests can
// assert on the memory a decode asks for, not just on its result.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <string>
#include <vector>

#include "request_frames.h"

namespace {

std::atomic<size_t> g_largest_allocation{0};
std::atomic<size_t> g_total_allocated{0};

void* Allocate(size_t n) {
  size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
  }
  g_total_allocated.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace kpk::broker::protocol {
namespace {

using testing::DecodeFrameHeader;
using testing::VisitRequestType;

// Allocations made while one of these is alive.
class AllocationScope {
 public:
  AllocationScope() {
    g_largest_allocation = 0;
    g_total_allocated = 0;
  }
  size_t largest() const { return g_largest_allocation; }
  size_t total() const { return g_total_allocated; }
};

// Decodes `body` as request `api_key` at `version`; the result of Decode.
bool DecodeRequest(int16_t api_key, int16_t version, ByteSpan body) {
  bool ok = false;
  const bool known = VisitRequestType(api_key, [&](auto type) {
    typename decltype(type)::type message;
    ByteReader r(body);
    ok = message.Decode(r, version);
  });
  REQUIRE(known);
  return ok;
}

template <typename T>
bool Decodes(const Bytes& body, int16_t version) {
  T message;
  ByteReader r(body);
  return message.Decode(r, version);
}

// Little builders for hand-made bodies.
Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes I16(int16_t v) {
  ByteWriter w;
  w.WriteInt16(v);
  return w.Take();
}
Bytes I32(int32_t v) {
  ByteWriter w;
  w.WriteInt32(v);
  return w.Take();
}
Bytes Uvarint(uint64_t v) {
  ByteWriter w;
  w.WriteUnsignedVarlong(v);
  return w.Take();
}
Bytes Str(const std::string& s) {
  return Concat({I16(static_cast<int16_t>(s.size())), Bytes(s.begin(), s.end())});
}
Bytes CompactStr(const std::string& s) {
  return Concat({Uvarint(s.size() + 1), Bytes(s.begin(), s.end())});
}

// Produce v7: transactional_id null, acks, timeout, then `topics` (the topic array onwards).
Bytes ProduceV7(const Bytes& topics) { return Concat({I16(-1), I16(-1), I32(30000), topics}); }
// Produce v7 with one topic "t" and one partition 0 whose records field is `records`.
Bytes ProduceV7Records(const Bytes& records) {
  return ProduceV7(Concat({I32(1), Str("t"), I32(1), I32(0), records}));
}

TEST_CASE("a 10-byte input claiming 2^31-1 elements fails fast without allocating for them") {
  const Bytes body = Concat({I32(INT32_MAX), Bytes(6, 0)});  // Metadata v1: topics[2^31-1]
  REQUIRE(body.size() == 10);
  AllocationScope scope;
  CHECK_FALSE(Decodes<MetadataRequest>(body, 1));
  CHECK(scope.largest() < 1024);
  CHECK(scope.total() < 4096);

  // Every API and version, with every byte of the input claiming a huge count.
  for (const ApiInfo& api : AllApis()) {
    for (int16_t v = api.min_version; v <= api.max_version; ++v) {
      for (uint8_t fill : {0x7f, 0xff, 0x80}) {
        CAPTURE(api.name);
        CAPTURE(v);
        CAPTURE(int{fill});
        AllocationScope each;
        const Bytes hostile(10, fill);
        (void)DecodeRequest(static_cast<int16_t>(api.key), v, hostile);
        CHECK(each.largest() < 4096);
      }
    }
  }
}

TEST_CASE("negative lengths are refused, and -1 only where the version allows null") {
  // Classic strings: -2 is never valid; -1 is null, refused for a non-nullable key.
  CHECK_FALSE(Decodes<FindCoordinatorRequest>(I16(-2), 0));
  CHECK_FALSE(Decodes<FindCoordinatorRequest>(I16(-1), 0));
  CHECK(Decodes<FindCoordinatorRequest>(Str("g"), 0));
  // Classic arrays: Metadata v1's topics may be null (-1), never -2; v0's may not be null.
  CHECK(Decodes<MetadataRequest>(I32(-1), 1));
  CHECK_FALSE(Decodes<MetadataRequest>(I32(-2), 1));
  CHECK_FALSE(Decodes<MetadataRequest>(I32(INT32_MIN), 1));
  CHECK_FALSE(Decodes<MetadataRequest>(I32(-1), 0));
  CHECK_FALSE(Decodes<ProduceRequest>(ProduceV7(I32(-1)), 7));
  // Records: -1 is null (allowed), anything below is not.
  CHECK(Decodes<ProduceRequest>(ProduceV7Records(I32(-1)), 7));
  CHECK_FALSE(Decodes<ProduceRequest>(ProduceV7Records(I32(-2)), 7));
  CHECK_FALSE(Decodes<ProduceRequest>(ProduceV7Records(I32(INT32_MIN)), 7));
  // Bytes: JoinGroup v0 protocol metadata of length -5.
  const Bytes join = Concat({Str("g"), I32(10000), Str(""), Str("consumer"), I32(1), Str("range")});
  CHECK(Decodes<JoinGroupRequest>(Concat({join, I32(0)}), 0));
  CHECK_FALSE(Decodes<JoinGroupRequest>(Concat({join, I32(-5)}), 0));
  // Compact: 0 encodes null, refused for ApiVersions v3's non-nullable software name.
  CHECK(Decodes<ApiVersionsRequest>(Concat({CompactStr("kpk"), CompactStr("1"), {0}}), 3));
  CHECK_FALSE(Decodes<ApiVersionsRequest>(Concat({{0}, CompactStr("1"), {0}}), 3));
}

TEST_CASE("lengths larger than the input are refused before anything is allocated for them") {
  AllocationScope scope;
  CHECK_FALSE(Decodes<FindCoordinatorRequest>(Concat({I16(INT16_MAX), Bytes(8, 'x')}), 0));
  CHECK_FALSE(Decodes<ProduceRequest>(ProduceV7Records(Concat({I32(INT32_MAX), Bytes(70, 0)})), 7));
  CHECK_FALSE(Decodes<ProduceRequest>(ProduceV7Records(Concat({I32(71), Bytes(70, 0)})), 7));
  // Compact lengths up to 2^32-1 (a 5-byte varint).
  CHECK_FALSE(Decodes<ApiVersionsRequest>(Concat({Uvarint(UINT32_MAX), Bytes(8, 'x')}), 3));
  CHECK_FALSE(Decodes<MetadataRequest>(Concat({Uvarint(UINT32_MAX), Bytes(8, 0)}), 9));
  CHECK(scope.largest() < 1024);
}

TEST_CASE("huge tag counts and tag sizes are refused") {
  // InitProducerId v4 (flexible): null transactional id, timeout, producer id, epoch, tags.
  const Bytes fields = Concat({{0}, I32(-1), Bytes(8, 0xff), I16(-1)});
  CHECK(Decodes<InitProducerIdRequest>(Concat({fields, {0}}), 4));
  AllocationScope scope;
  CHECK_FALSE(Decodes<InitProducerIdRequest>(Concat({fields, Uvarint(UINT32_MAX)}), 4));
  CHECK_FALSE(Decodes<InitProducerIdRequest>(Concat({fields, Uvarint(1u << 28), Bytes(8, 0)}), 4));
  // One tag claiming a 2^32-1 byte payload.
  CHECK_FALSE(
      Decodes<InitProducerIdRequest>(Concat({fields, {1}, Uvarint(9), Uvarint(UINT32_MAX)}), 4));
  // Tag count 2 with room for only one.
  CHECK_FALSE(Decodes<InitProducerIdRequest>(Concat({fields, {2, 9, 0}}), 4));
  CHECK(scope.largest() < 1024);
  // A well-formed unknown tag is kept, not refused.
  InitProducerIdRequest m;
  const Bytes with_tag = Concat({fields, {1, 9, 2, 'h', 'i'}});
  ByteReader r(with_tag);
  REQUIRE(m.Decode(r, 4));
  REQUIRE(m.unknown_tags.size() == 1);
  CHECK(m.unknown_tags[0].tag == 9);
}

TEST_CASE("overlong varints are refused") {
  // ApiVersions v3: software name "a" (compact length 2) written in 1 to 6 bytes. Kafka reads
  // at most 5 bytes and a 32-bit value; padding within 5 bytes is legal, a sixth byte is not.
  const Bytes rest = Concat({{'a'}, CompactStr("1"), {0}});
  CHECK(Decodes<ApiVersionsRequest>(Concat({{0x02}, rest}), 3));
  CHECK(Decodes<ApiVersionsRequest>(Concat({{0x82, 0x80, 0x80, 0x80, 0x00}, rest}), 3));
  CHECK_FALSE(Decodes<ApiVersionsRequest>(Concat({{0x82, 0x80, 0x80, 0x80, 0x80, 0x00}, rest}), 3));
  // A 5th byte with bits beyond 32, and a varint that never ends.
  CHECK_FALSE(Decodes<ApiVersionsRequest>(Concat({{0x82, 0x80, 0x80, 0x80, 0x10}, rest}), 3));
  CHECK_FALSE(Decodes<ApiVersionsRequest>(Bytes(32, 0x80), 3));
  // The same in a tag count and a tag size.
  const Bytes fields = Concat({{0}, I32(-1), Bytes(8, 0xff), I16(-1)});
  CHECK_FALSE(
      Decodes<InitProducerIdRequest>(Concat({fields, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}), 4));
  CHECK_FALSE(Decodes<InitProducerIdRequest>(
      Concat({fields, {1, 9, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}), 4));
}

Bytes ReadFixture(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Whether a whole frame (header + body) decodes.
bool FrameDecodes(ByteSpan frame) {
  auto h = DecodeFrameHeader(frame);
  return h.has_value() && DecodeRequest(h->header.request_api_key, h->header.request_api_version,
                                        frame.subspan(h->body_offset));
}

TEST_CASE("every golden frame truncated at every byte fails to decode") {
  int frames = 0;
  for (const auto& client : std::filesystem::directory_iterator(KPK_GOLDEN_FIXTURES)) {
    if (!client.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(client.path())) {
      CAPTURE(file.path().string());
      const Bytes frame = ReadFixture(file.path());
      REQUIRE(FrameDecodes(frame));
      for (size_t len = 0; len < frame.size(); ++len) {
        CAPTURE(len);
        // A copy of exactly `len` bytes, so ASan builds catch any read beyond it.
        const Bytes prefix(frame.begin(), frame.begin() + static_cast<ptrdiff_t>(len));
        AllocationScope scope;
        CHECK_FALSE(FrameDecodes(prefix));
        CHECK(scope.largest() <= 4 * frame.size() + 256);
      }
      ++frames;
    }
  }
  CHECK(frames >= 40);
}

TEST_CASE("a claimed count costs memory only as its elements actually decode") {
  // Fetch v4 with 64 KiB of input claiming 60000 topics (fewer than the bytes left, so the
  // count alone passes): each element needs at least 6 bytes (empty name, empty partition
  // array), so at most ~11k can really be there.
  const size_t kInput = 64 * 1024;
  Bytes body = Concat({I32(-1), I32(500), I32(1), I32(1 << 20), {0}, I32(60000)});
  body.resize(kInput, 0);
  AllocationScope scope;
  CHECK_FALSE(Decodes<FetchRequest>(body, 4));
  const size_t per_input_byte = scope.largest() / kInput;
  MESSAGE("largest allocation " << scope.largest() << " bytes for " << kInput << " input bytes");
  CHECK(per_input_byte <= 2 * sizeof(FetchRequest::FetchTopic) / 6 + 1);
}

}  // namespace
}  // namespace kpk::broker::protocol
