#include "broker/storage/log_format.h"

#include <cstdio>

#include "common/crc32c.h"

namespace kpk::storage::format {

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

}  // namespace kpk::storage::format
