#include "common/bytes.h"

#include <doctest/doctest.h>

#include <climits>
#include <cstdint>
#include <limits>

using kpk::ByteReader;
using kpk::ByteWriter;

TEST_CASE("fixed-width integers are big-endian") {
  ByteWriter w;
  w.WriteInt16(0x0102);
  w.WriteInt32(-2);
  w.WriteInt64(0x0102030405060708LL);
  w.WriteFloat64(1.5);
  const auto& b = w.buffer();
  REQUIRE(b.size() == 2 + 4 + 8 + 8);
  CHECK(b[0] == 1);
  CHECK(b[1] == 2);
  CHECK(b[2] == 0xff);
  CHECK(b[6] == 1);
  ByteReader r(b);
  CHECK(r.ReadInt16() == 0x0102);
  CHECK(r.ReadInt32() == -2);
  CHECK(r.ReadInt64() == 0x0102030405060708LL);
  CHECK(r.ReadFloat64() == 1.5);
  CHECK(r.ok());
  CHECK(r.empty());
}

TEST_CASE("zigzag and unsigned varints round trip at the edges") {
  const int64_t longs[] = {0,
                           1,
                           -1,
                           63,
                           -64,
                           64,
                           300,
                           -300,
                           INT32_MAX,
                           INT32_MIN,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  ByteWriter w;
  for (int64_t v : longs) w.WriteVarlong(v);
  w.WriteVarint(INT32_MIN);
  w.WriteUnsignedVarint(UINT32_MAX);
  ByteReader r(w.buffer());
  for (int64_t v : longs) CHECK(r.ReadVarlong() == v);
  CHECK(r.ReadVarint() == INT32_MIN);
  CHECK(r.ReadUnsignedVarint() == UINT32_MAX);
  CHECK(r.ok());
  CHECK(kpk::VarintSize(-1) == 1);
  CHECK(kpk::VarintSize(64) == 2);
}

TEST_CASE("known varint encodings from the Kafka record format") {
  ByteWriter w;
  w.WriteVarint(300);  // zigzag 600 = 0xd8 0x04
  CHECK(w.buffer() == kpk::Bytes{0xd8, 0x04});
}

TEST_CASE("reads past the end fail and stay failed") {
  // Built at run time: with the constant three bytes GCC 12 inlines the failing ReadInt32 and
  // warns (-Warray-bounds) about the copy its bounds check skips.
  kpk::Bytes b;
  for (uint8_t i = 0; i < 3; ++i) b.push_back(i);
  ByteReader r(b);
  CHECK(r.ReadInt16() == 1);
  CHECK(r.ReadInt32() == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.ReadInt8() == 0);
  CHECK(r.remaining() == 0);
  CHECK(r.ReadSpan(1).empty());
}

TEST_CASE("short varints decode at the very end of the buffer, and fail when cut there") {
  const kpk::Bytes one = {0x05};
  ByteReader r1(one);
  CHECK(r1.ReadUnsignedVarint() == 5);
  CHECK(r1.ok());
  CHECK(r1.empty());
  const kpk::Bytes two = {0x01, 0xac, 0x02};  // 1, then 300
  ByteReader r2(two);
  CHECK(r2.ReadUnsignedVarint() == 1);
  CHECK(r2.ReadUnsignedVarint() == 300);
  CHECK(r2.ok());
  CHECK(r2.empty());
  const kpk::Bytes cut = {0x01, 0xac};
  ByteReader r3(cut);
  CHECK(r3.ReadVarint() == -1);
  CHECK(r3.ReadVarint() == 0);
  CHECK_FALSE(r3.ok());
  // A failed reader stays failed even where bytes that would decode remain.
  ByteReader r4(two);
  r4.Fail();
  CHECK(r4.ReadUnsignedVarint() == 0);
  CHECK(r4.ReadVarlong() == 0);
  CHECK_FALSE(r4.ok());
}

TEST_CASE("overlong and truncated varints fail") {
  kpk::Bytes overlong(11, 0x80);
  ByteReader r1(overlong);
  r1.ReadUnsignedVarlong();
  CHECK_FALSE(r1.ok());
  const kpk::Bytes truncated = {0xff, 0xff};
  ByteReader r2(truncated);
  r2.ReadVarint();
  CHECK_FALSE(r2.ok());
  kpk::Bytes past_64_bits(9, 0xff);
  past_64_bits.push_back(0x02);  // a 10th byte may only be 0 or 1
  ByteReader r4(past_64_bits);
  r4.ReadUnsignedVarlong();
  CHECK_FALSE(r4.ok());
  const kpk::Bytes too_big_for_32 = {0xff, 0xff, 0xff, 0xff, 0x7f};  // 2^35 - 1
  ByteReader r3(too_big_for_32);
  r3.ReadUnsignedVarint();
  CHECK_FALSE(r3.ok());
}

TEST_CASE("a writer allowed to splice notes large ranges instead of copying them") {
  const kpk::Bytes small = {1, 2, 3};
  const kpk::Bytes large(10, 7);
  ByteWriter copying;
  copying.WriteSpliceable(large);
  CHECK(copying.buffer() == large);
  CHECK(copying.TakeSplices().empty());

  ByteWriter w;
  w.AllowSplicing(4);
  w.WriteInt8(9);
  w.WriteSpliceable(small);  // below the minimum: copied
  w.WriteSpliceable(large);
  w.WriteInt8(8);
  w.WriteSpliceable(large);
  CHECK(w.buffer() == kpk::Bytes{9, 1, 2, 3, 8});
  auto splices = w.TakeSplices();
  REQUIRE(splices.size() == 2);
  CHECK(splices[0].at == 4);
  CHECK(splices[0].bytes.data() == large.data());
  CHECK(splices[0].bytes.size() == large.size());
  CHECK(splices[1].at == 5);
}
