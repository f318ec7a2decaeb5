#include "common/crc32c.h"

#include <doctest/doctest.h>

#include <array>
#include <string_view>
#include <vector>

#include "common/bytes.h"

using kpk::AsBytes;
namespace crc32c = kpk::crc32c;

namespace {

uint32_t Both(kpk::ByteSpan data) {
  uint32_t fast = crc32c::Value(data);
  uint32_t portable = crc32c::ExtendPortable(0, data.data(), data.size());
  CHECK(fast == portable);
  return fast;
}

}  // namespace

// RFC 3720 (iSCSI) appendix B.4 test vectors.
TEST_CASE("crc32c matches the RFC 3720 vectors") {
  std::array<uint8_t, 32> buf{};
  CHECK(Both(buf) == 0x8a9136aaU);
  buf.fill(0xff);
  CHECK(Both(buf) == 0x62a8ab43U);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(i);
  CHECK(Both(buf) == 0x46dd794eU);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(31 - i);
  CHECK(Both(buf) == 0x113fdb5cU);

  const std::array<uint8_t, 48> iscsi_read = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  CHECK(Both(iscsi_read) == 0xd9963a56U);
}

TEST_CASE("crc32c check value and incremental extension") {
  CHECK(Both(AsBytes("123456789")) == 0xe3069283U);
  std::string_view text = "The quick brown fox jumps over the lazy dog, unaligned and long enough";
  uint32_t whole = crc32c::Value(AsBytes(text));
  for (size_t split = 0; split <= text.size(); ++split) {
    auto a = AsBytes(text.substr(0, split));
    auto b = AsBytes(text.substr(split));
    CHECK(crc32c::Extend(crc32c::Value(a), b.data(), b.size()) == whole);
  }
}

TEST_CASE("crc32c interleaved streams agree with the portable tables at every length") {
  // Lengths around the 3 x 1 KiB stream blocks and their multiples, at every alignment.
  std::vector<uint8_t> data(20000);
  uint32_t x = 12345;
  for (auto& b : data) b = static_cast<uint8_t>((x = x * 1103515245 + 12345) >> 16);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n : {0, 1, 7, 8, 3071, 3072, 3073, 3080, 6143, 6144, 6151, 9216, 12000, 19992}) {
      kpk::ByteSpan span(data.data() + offset, n);
      CAPTURE(offset);
      CAPTURE(n);
      Both(span);
      // Extending in two pieces, split inside a block, gives the same value.
      uint32_t head = crc32c::Value(span.subspan(0, n / 3));
      CHECK(crc32c::Extend(head, span.data() + n / 3, n - n / 3) == crc32c::Value(span));
    }
  }
}
