#include "broker/storage/log_format.h"

#include <cstdio>

#include "common/crc32c.h"

namespace kpk::broker::storage::format {

std::string SegmentFileName(int64_t base_offset, std::string_view suffix) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(base_offset));
  std::string name(digits);
  name += suffix;
  return name;
}

std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix) {
  if (name.size() != kSegmentNameDigits + suffix.size() || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < kSegmentNameDigits; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

Bytes EncodeCheckpoint(int64_t value) {
  ByteWriter w(kCheckpointSize);
  w.WriteUint32(kCheckpointMagic);
  w.WriteUint8(kCheckpointVersion);
  w.WriteInt64(value);
  w.WriteUint32(MaskCrc(crc32c::Value(w.buffer())));
  return w.Take();
}

std::optional<int64_t> DecodeCheckpoint(ByteSpan data) {
  if (data.size() != kCheckpointSize) return std::nullopt;
  ByteReader r(data);
  uint32_t magic = r.ReadUint32();
  uint8_t version = r.ReadUint8();
  int64_t value = r.ReadInt64();
  uint32_t crc = UnmaskCrc(r.ReadUint32());
  if (!r.ok() || magic != kCheckpointMagic || version != kCheckpointVersion ||
      crc != crc32c::Value(data.data(), kCheckpointSize - 4)) {
    return std::nullopt;
  }
  return value;
}

Bytes EncodeCleaningSwap(const CleaningSwap& swap) {
  ByteWriter w(kCleaningSize);
  w.WriteUint32(kCleaningMagic);
  w.WriteUint8(kCheckpointVersion);
  w.WriteInt64(swap.base);
  w.WriteInt64(swap.end);
  w.WriteUint8(swap.has_output ? 1 : 0);
  w.WriteUint32(MaskCrc(crc32c::Value(w.buffer())));
  return w.Take();
}

std::optional<CleaningSwap> DecodeCleaningSwap(ByteSpan data) {
  if (data.size() != kCleaningSize) return std::nullopt;
  ByteReader r(data);
  uint32_t magic = r.ReadUint32();
  uint8_t version = r.ReadUint8();
  CleaningSwap swap;
  swap.base = r.ReadInt64();
  swap.end = r.ReadInt64();
  uint8_t has_output = r.ReadUint8();
  uint32_t crc = UnmaskCrc(r.ReadUint32());
  if (!r.ok() || magic != kCleaningMagic || version != kCheckpointVersion || has_output > 1 ||
      swap.base > swap.end || crc != crc32c::Value(data.data(), kCleaningSize - 4)) {
    return std::nullopt;
  }
  swap.has_output = has_output == 1;
  return swap;
}

}  // namespace kpk::broker::storage::format
