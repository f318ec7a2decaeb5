#include "broker/protocol/wire.h"

#include <algorithm>
#include <cstring>

namespace kpk::broker::protocol {

bool Uuid::IsZero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

std::string Uuid::ToString() const {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

bool Records::operator==(const Records& o) const {
  if (in_file() || o.in_file()) return file_ == o.file_;
  return view_.size() == o.view_.size() &&
         (view_.empty() || std::memcmp(view_.data(), o.view_.data(), view_.size()) == 0);
}

namespace wire {
namespace {

// KIP-482 lengths, tag counts and tags: an unsigned varint of at most 5 bytes whose value fits
// in 32 bits, as Kafka's ByteUtils.readUnsignedVarint reads it. ByteReader's own reader takes up
// to 10 bytes, which would let a length hide behind meaningless padding bytes.
uint32_t ReadUnsignedVarint32(ByteReader& r) {
  uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    const uint8_t b = r.ReadUint8();
    if (!r.ok()) return 0;
    if (i == 4 && b > 0x0F) break;  // a 6th byte, or bits beyond 32
    value |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  r.Fail();
  return 0;
}

// Classic form: int16/int32 length, -1 = null. Compact form: unsigned varint length+1, 0 = null.
int64_t ReadLength(ByteReader& r, bool flexible, bool wide) {
  if (flexible) return static_cast<int64_t>(ReadUnsignedVarint32(r)) - 1;
  return wide ? r.ReadInt32() : r.ReadInt16();
}

void WriteLength(ByteWriter& w, bool flexible, bool wide, int64_t n) {
  if (flexible) {
    w.WriteUnsignedVarint(static_cast<uint32_t>(n + 1));
  } else if (wide) {
    w.WriteInt32(static_cast<int32_t>(n));
  } else {
    w.WriteInt16(static_cast<int16_t>(n));
  }
}

// Reads a length-prefixed blob; returns false (without failing) for null.
bool ReadBlob(ByteReader& r, bool flexible, bool wide, bool nullable, ByteSpan& out) {
  int64_t n = ReadLength(r, flexible, wide);
  if (n < 0) {
    if (n != -1 || !nullable) r.Fail();
    return false;
  }
  out = r.ReadSpan(static_cast<size_t>(n));
  return r.ok();
}

}  // namespace

int32_t ReadArrayLength(ByteReader& r, bool flexible) {
  int64_t n = ReadLength(r, flexible, true);
  if (n < -1 || n > static_cast<int64_t>(r.remaining())) {
    r.Fail();
    return 0;
  }
  return static_cast<int32_t>(n);
}

void WriteArrayLength(ByteWriter& w, bool flexible, int32_t n) {
  WriteLength(w, flexible, true, n);
}

void ReadString(ByteReader& r, bool flexible, std::string& out) {
  ByteSpan s;
  if (ReadBlob(r, flexible, false, false, s)) out.assign(AsChars(s));
}

void ReadNullableString(ByteReader& r, bool flexible, bool nullable,
                        std::optional<std::string>& out) {
  ByteSpan s;
  if (ReadBlob(r, flexible, false, nullable, s)) {
    out.emplace(AsChars(s));
  } else {
    out.reset();
  }
}

void WriteString(ByteWriter& w, bool flexible, std::string_view s) {
  WriteLength(w, flexible, false, static_cast<int64_t>(s.size()));
  w.WriteBytes(s);
}

void WriteNullableString(ByteWriter& w, bool flexible, const std::optional<std::string>& s) {
  if (!s) {
    WriteLength(w, flexible, false, -1);
  } else {
    WriteString(w, flexible, *s);
  }
}

void ReadBytes(ByteReader& r, bool flexible, Bytes& out) {
  ByteSpan s;
  if (ReadBlob(r, flexible, true, false, s)) out.assign(s.begin(), s.end());
}

void ReadNullableBytes(ByteReader& r, bool flexible, bool nullable, std::optional<Bytes>& out) {
  ByteSpan s;
  if (ReadBlob(r, flexible, true, nullable, s)) {
    out.emplace(s.begin(), s.end());
  } else {
    out.reset();
  }
}

void WriteBytes(ByteWriter& w, bool flexible, ByteSpan b) {
  WriteLength(w, flexible, true, static_cast<int64_t>(b.size()));
  w.WriteBytes(b);
}

void WriteNullableBytes(ByteWriter& w, bool flexible, const std::optional<Bytes>& b) {
  if (!b) {
    WriteLength(w, flexible, true, -1);
  } else {
    WriteBytes(w, flexible, *b);
  }
}

void ReadRecords(ByteReader& r, bool flexible, bool nullable, std::optional<Records>& out) {
  ByteSpan s;
  if (ReadBlob(r, flexible, true, nullable, s)) {
    out.emplace(s);
  } else {
    out.reset();
  }
}

void WriteRecords(ByteWriter& w, bool flexible, const std::optional<Records>& records) {
  if (!records) {
    WriteLength(w, flexible, true, -1);
  } else {
    WriteLength(w, flexible, true, static_cast<int64_t>(records->size()));
    if (records->in_file()) {
      w.WriteFileRange(records->file());
    } else {
      w.WriteSpliceable(records->bytes());
    }
  }
}

void ReadUuid(ByteReader& r, Uuid& out) {
  ByteSpan s = r.ReadSpan(16);
  if (r.ok()) std::copy(s.begin(), s.end(), out.bytes.begin());
}

void WriteUuid(ByteWriter& w, const Uuid& u) { w.WriteBytes(ByteSpan(u.bytes)); }

uint32_t ReadTagCount(ByteReader& r) {
  uint32_t n = ReadUnsignedVarint32(r);
  if (n > r.remaining() / 2) r.Fail();  // each tagged field takes at least two bytes
  return r.ok() ? n : 0;
}

void ReadTaggedField(ByteReader& r, uint32_t& tag, ByteSpan& payload) {
  tag = ReadUnsignedVarint32(r);
  uint32_t size = ReadUnsignedVarint32(r);
  payload = r.ReadSpan(size);
}

void WriteTaggedField(ByteWriter& w, uint32_t tag, ByteSpan payload) {
  w.WriteUnsignedVarint(tag);
  w.WriteUnsignedVarint(static_cast<uint32_t>(payload.size()));
  w.WriteBytes(payload);
}

void UnknownTagWriter::Before(uint32_t tag) {
  while (next_ < unknown_.size() && unknown_[next_].tag < tag) {
    WriteTaggedField(w_, unknown_[next_].tag, unknown_[next_].data);
    ++next_;
  }
}

}  // namespace wire
}  // namespace kpk::broker::protocol
