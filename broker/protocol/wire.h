// The Kafka wire primitives that generated message code is written in: strings, bytes, arrays
// in their classic and compact (KIP-482) forms, UUIDs, zero-copy record sets and tagged fields.
//
// Readers follow ByteReader's sticky-failure rule: a malformed or truncated value marks the
// reader failed; callers check ok() once. No length read from the wire is trusted: every length
// is checked against the bytes that remain before anything is allocated.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace kpk::broker::protocol {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool IsZero() const;
  // Base64url without padding, as Kafka prints topic ids.
  std::string ToString() const;
  bool operator==(const Uuid&) const = default;
};

// A tagged field this version of the codec does not know, kept so it can be re-encoded.
struct TaggedField {
  uint32_t tag = 0;
  Bytes data;
  bool operator==(const TaggedField&) const = default;
};
using UnknownTags = std::vector<TaggedField>;

// A record set (one or more record batches) kept as raw bytes: a view into the buffer it was
// decoded from, or into bytes it co-owns. Never decompressed or copied by the codec.
class Records {
 public:
  Records() = default;
  // A view; the caller keeps `view` alive as long as this object is used.
  explicit Records(ByteSpan view) : view_(view) {}
  // Shares ownership of `owned`, e.g. bytes read from a log segment for a Fetch response.
  explicit Records(std::shared_ptr<const Bytes> owned) : view_(*owned), owner_(std::move(owned)) {}
  Records(ByteSpan view, std::shared_ptr<const void> owner)
      : view_(view), owner_(std::move(owner)) {}
  // Whole batches still in a log segment, sent from there (a Fetch response); `owner` keeps
  // the file open. Only a writer's WriteFileRange can encode them.
  Records(FileRange file, std::shared_ptr<const void> owner)
      : file_(file), owner_(std::move(owner)) {}

  // Empty for records in a file: nothing of them is in memory.
  ByteSpan bytes() const { return view_; }
  bool in_file() const { return file_.size != 0; }
  const FileRange& file() const { return file_; }
  size_t size() const { return in_file() ? file_.size : view_.size(); }
  bool empty() const { return size() == 0; }
  // Content equality, so decoded messages compare equal to the ones that were encoded; records
  // in a file are equal only to the same range.
  bool operator==(const Records& o) const;

 private:
  ByteSpan view_;
  FileRange file_;
  std::shared_ptr<const void> owner_;
};

namespace wire {

// Array and string lengths: -1 means null. A length larger than the remaining input fails the
// reader (every element takes at least one byte), which bounds what decoding allocates.
int32_t ReadArrayLength(ByteReader& r, bool flexible);
void WriteArrayLength(ByteWriter& w, bool flexible, int32_t n);

// How many elements to reserve for an array of length n. ReadArrayLength bounds n by the bytes
// left, but an element takes more memory than its smallest encoding, so reserving all n would
// let a small frame claim a large allocation (a 100 MiB frame of one-byte claims, ~10 GiB of
// structs). Past the first kMaxReservedElements a vector grows only as elements decode.
inline constexpr int32_t kMaxReservedElements = 256;
inline size_t ReserveCount(int32_t n) {
  return n <= 0 ? 0 : static_cast<size_t>(n < kMaxReservedElements ? n : kMaxReservedElements);
}

// Strings. `nullable` says whether null is legal at this version; null where it is not legal
// fails the reader.
void ReadString(ByteReader& r, bool flexible, std::string& out);
void ReadNullableString(ByteReader& r, bool flexible, bool nullable,
                        std::optional<std::string>& out);
void WriteString(ByteWriter& w, bool flexible, std::string_view s);
void WriteNullableString(ByteWriter& w, bool flexible, const std::optional<std::string>& s);

void ReadBytes(ByteReader& r, bool flexible, Bytes& out);
void ReadNullableBytes(ByteReader& r, bool flexible, bool nullable, std::optional<Bytes>& out);
void WriteBytes(ByteWriter& w, bool flexible, ByteSpan b);
void WriteNullableBytes(ByteWriter& w, bool flexible, const std::optional<Bytes>& b);

void ReadRecords(ByteReader& r, bool flexible, bool nullable, std::optional<Records>& out);
// Splices the record bytes if `w` allows it (ByteWriter::AllowSplicing), and records in a file
// always: whoever sends the output then keeps `records` alive until it is sent.
void WriteRecords(ByteWriter& w, bool flexible, const std::optional<Records>& records);

inline bool ReadBool(ByteReader& r) { return r.ReadInt8() != 0; }
inline void WriteBool(ByteWriter& w, bool v) { w.WriteInt8(v ? 1 : 0); }
void ReadUuid(ByteReader& r, Uuid& out);
void WriteUuid(ByteWriter& w, const Uuid& u);

// Reads a tag section header: the number of tagged fields, failing the reader if it cannot
// possibly fit in what remains.
uint32_t ReadTagCount(ByteReader& r);
// Reads one tagged field's tag and its payload as a view.
void ReadTaggedField(ByteReader& r, uint32_t& tag, ByteSpan& payload);
// Writes one tagged field whose payload has already been encoded.
void WriteTaggedField(ByteWriter& w, uint32_t tag, ByteSpan payload);

// Writes the unknown tags that must precede a known tag, keeping ascending tag order.
class UnknownTagWriter {
 public:
  UnknownTagWriter(ByteWriter& w, const UnknownTags& unknown) : w_(w), unknown_(unknown) {}
  void Before(uint32_t tag);
  void Rest() { Before(UINT32_MAX); }

 private:
  ByteWriter& w_;
  const UnknownTags& unknown_;
  size_t next_ = 0;
};

}  // namespace wire
}  // namespace kpk::broker::protocol
