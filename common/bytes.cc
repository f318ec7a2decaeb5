#include "common/bytes.h"

namespace kpk {

uint64_t ByteReader::ReadVarlongBytewise() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!ok_ || pos_ >= data_.size()) {
      ok_ = false;
      return 0;
    }
    uint8_t b = data_[pos_++];
    // The 10th byte may carry only the top bit of a 64-bit value.
    if (shift == 63 && b > 1) break;
    value |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return value;
  }
  ok_ = false;  // more than 10 bytes, or bits beyond 64: not a valid varlong
  return 0;
}

void ByteWriter::WriteUnsignedVarlong(uint64_t v) {
  while (v >= 0x80) {
    buf_.push_back(static_cast<uint8_t>(v) | 0x80);
    v >>= 7;
  }
  buf_.push_back(static_cast<uint8_t>(v));
}

}  // namespace kpk
