// Big-endian integers and varints over byte buffers: the primitives every Kafka encoding and
// kpk's own file formats are built from.
//
// ByteReader never reads past its buffer. A read that does not fit marks the reader failed and
// returns zero; every later read returns zero too. Callers decode a whole structure and check
// ok() once at the end, the way a stream's failbit works.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace kpk {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// std::byteswap is C++23; this is the C++20 spelling.
template <typename T>
constexpr T ByteSwap(T v) {
  if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<uint16_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
  } else if constexpr (sizeof(T) == 8) {
    return static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
  } else {
    return v;
  }
}

template <typename T>
inline T LoadBigEndian(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = ByteSwap(v);
  return v;
}

template <typename T>
inline void StoreBigEndian(uint8_t* p, T v) {
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = ByteSwap(v);
  std::memcpy(p, &v, sizeof(T));
}

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteSpan data) : data_(data) {}

  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  size_t position() const { return pos_; }
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  bool empty() const { return remaining() == 0; }
  ByteSpan data() const { return data_; }

  int8_t ReadInt8() { return Fixed<int8_t>(); }
  int16_t ReadInt16() { return Fixed<int16_t>(); }
  int32_t ReadInt32() { return Fixed<int32_t>(); }
  int64_t ReadInt64() { return Fixed<int64_t>(); }
  uint8_t ReadUint8() { return Fixed<uint8_t>(); }
  uint16_t ReadUint16() { return Fixed<uint16_t>(); }
  uint32_t ReadUint32() { return Fixed<uint32_t>(); }
  double ReadFloat64() { return std::bit_cast<double>(Fixed<uint64_t>()); }

  // Unsigned LEB128 varints (KIP-482 compact lengths and tags).
  uint32_t ReadUnsignedVarint();
  uint64_t ReadUnsignedVarlong();
  // Zigzag varints (record fields in magic-2 batches).
  int32_t ReadVarint();
  int64_t ReadVarlong();

  // The next n bytes as a view into the buffer; an empty view and failure if fewer remain.
  ByteSpan ReadSpan(size_t n);
  void Skip(size_t n) { (void)ReadSpan(n); }

 private:
  template <typename T>
  T Fixed() {
    if (!ok_ || data_.size() - pos_ < sizeof(T)) {
      ok_ = false;
      return T{};
    }
    T v = LoadBigEndian<T>(data_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Appends to a growable buffer. Never fails.
class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { buf_.reserve(reserve); }

  void WriteInt8(int8_t v) { Fixed(v); }
  void WriteInt16(int16_t v) { Fixed(v); }
  void WriteInt32(int32_t v) { Fixed(v); }
  void WriteInt64(int64_t v) { Fixed(v); }
  void WriteUint8(uint8_t v) { Fixed(v); }
  void WriteUint16(uint16_t v) { Fixed(v); }
  void WriteUint32(uint32_t v) { Fixed(v); }
  void WriteFloat64(double v) { Fixed(std::bit_cast<uint64_t>(v)); }

  void WriteUnsignedVarint(uint32_t v) { WriteUnsignedVarlong(v); }
  void WriteUnsignedVarlong(uint64_t v);
  void WriteVarint(int32_t v) {
    WriteUnsignedVarlong(static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ (v >> 31)));
  }
  void WriteVarlong(int64_t v) {
    WriteUnsignedVarlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

  void WriteBytes(ByteSpan b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void WriteBytes(std::string_view s) { WriteBytes(AsBytes(s)); }

  // Overwrites a previously written big-endian int32 (for length prefixes written last).
  void PatchInt32(size_t pos, int32_t v) { StoreBigEndian(buf_.data() + pos, v); }

  size_t size() const { return buf_.size(); }
  const Bytes& buffer() const { return buf_; }
  Bytes& buffer() { return buf_; }
  Bytes Take() { return std::move(buf_); }

 private:
  template <typename T>
  void Fixed(T v) {
    size_t at = buf_.size();
    buf_.resize(at + sizeof(T));
    StoreBigEndian(buf_.data() + at, v);
  }

  Bytes buf_;
};

// Number of bytes WriteUnsignedVarlong(v) produces.
inline size_t UnsignedVarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline size_t VarintSize(int64_t v) {
  return UnsignedVarintSize((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

}  // namespace kpk
