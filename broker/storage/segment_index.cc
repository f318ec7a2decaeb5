#include "broker/storage/segment_index.h"

#include <algorithm>

#include "broker/storage/log_format.h"
#include "common/crc32c.h"

namespace kpk::broker::storage {
namespace {

void WriteFooter(ByteWriter& w, uint32_t entry_count, uint32_t covered_bytes,
                 uint32_t next_relative) {
  w.WriteUint32(format::kIndexMagic);
  w.WriteUint32(entry_count);
  w.WriteUint32(covered_bytes);
  w.WriteUint32(next_relative);
  w.WriteUint32(format::MaskCrc(crc32c::Value(w.buffer())));
}

struct Footer {
  uint32_t entry_count;
  uint32_t covered_bytes;
  uint32_t next_relative;
};

// The footer of an index file whose entries are `entry_size` bytes and which holds `extra`
// entries beyond entry_count, if the file is framed correctly and its CRC matches.
Result<Footer> ReadFooter(ByteSpan file, size_t entry_size, size_t extra, const char* what) {
  auto bad = [what](const char* why) {
    return Err(Status::Corruption(std::string(what) + ": " + why));
  };
  if (file.size() < format::kIndexFooterSize) return bad("shorter than its footer");
  ByteReader r(file.subspan(file.size() - format::kIndexFooterSize));
  Footer f;
  uint32_t magic = r.ReadUint32();
  f.entry_count = r.ReadUint32();
  f.covered_bytes = r.ReadUint32();
  f.next_relative = r.ReadUint32();
  uint32_t crc = format::UnmaskCrc(r.ReadUint32());
  if (magic != format::kIndexMagic) return bad("bad magic");
  if (crc != crc32c::Value(file.data(), file.size() - 4)) return bad("CRC mismatch");
  uint64_t expected = (uint64_t{f.entry_count} + extra) * entry_size + format::kIndexFooterSize;
  if (expected != file.size()) return bad("size does not match its entry count");
  return f;
}

}  // namespace

void SegmentIndex::Add(int64_t batch_base_offset, int64_t batch_next_offset,
                       int64_t batch_max_timestamp, uint32_t batch_size,
                       int32_t index_interval_bytes) {
  uint32_t position = covered_bytes_;
  if (batch_max_timestamp > max_timestamp_) {
    max_timestamp_ = batch_max_timestamp;
    offset_of_max_timestamp_ = batch_base_offset;
  }
  uint32_t last_point = entries_.empty() ? 0 : entries_.back().position;
  bool first_point = entries_.empty() && position >= static_cast<uint32_t>(index_interval_bytes);
  bool later_point =
      !entries_.empty() && position - last_point >= static_cast<uint32_t>(index_interval_bytes);
  if (first_point || later_point || index_interval_bytes <= 0) {
    entries_.push_back(
        {static_cast<uint32_t>(batch_base_offset - base_offset_), position, max_timestamp_});
  }
  covered_bytes_ += batch_size;
  next_offset_ = batch_next_offset;
}

uint32_t SegmentIndex::LookupOffset(int64_t offset) const {
  if (offset <= base_offset_ || entries_.empty()) return 0;
  int64_t relative = offset - base_offset_;
  // The last entry whose batch starts at or before `offset`.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), relative,
                             [](int64_t rel, const Entry& e) { return rel < e.relative_offset; });
  if (it == entries_.begin()) return 0;
  return std::prev(it)->position;
}

uint32_t SegmentIndex::LookupTimestamp(int64_t timestamp) const {
  // Every batch up to an entry whose max_timestamp < timestamp is too early; the answer comes
  // after the last such entry. max_timestamp never decreases along entries_.
  auto it = std::lower_bound(entries_.begin(), entries_.end(), timestamp,
                             [](const Entry& e, int64_t ts) { return e.max_timestamp < ts; });
  if (it == entries_.begin()) return 0;
  return std::prev(it)->position;
}

const SegmentIndex::Entry* SegmentIndex::LastPointIn(uint64_t after, uint64_t up_to) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), up_to,
                             [](uint64_t pos, const Entry& e) { return pos < e.position; });
  if (it == entries_.begin()) return nullptr;
  const Entry& e = *std::prev(it);
  return e.position > after ? &e : nullptr;
}

Bytes SegmentIndex::EncodeOffsetIndex() const {
  ByteWriter w(entries_.size() * format::kOffsetIndexEntrySize + format::kIndexFooterSize);
  for (const Entry& e : entries_) {
    w.WriteUint32(e.relative_offset);
    w.WriteUint32(e.position);
  }
  WriteFooter(w, static_cast<uint32_t>(entries_.size()), covered_bytes_,
              static_cast<uint32_t>(next_offset_ - base_offset_));
  return w.Take();
}

Bytes SegmentIndex::EncodeTimeIndex() const {
  ByteWriter w((entries_.size() + 1) * format::kTimeIndexEntrySize + format::kIndexFooterSize);
  for (const Entry& e : entries_) {
    w.WriteInt64(e.max_timestamp);
    w.WriteUint32(e.relative_offset);
  }
  w.WriteInt64(max_timestamp_);
  w.WriteUint32(empty() ? 0 : static_cast<uint32_t>(offset_of_max_timestamp_ - base_offset_));
  WriteFooter(w, static_cast<uint32_t>(entries_.size()), covered_bytes_,
              static_cast<uint32_t>(next_offset_ - base_offset_));
  return w.Take();
}

Result<SegmentIndex> SegmentIndex::Decode(int64_t base_offset, ByteSpan offset_index,
                                          ByteSpan time_index) {
  auto of = ReadFooter(offset_index, format::kOffsetIndexEntrySize, 0, "offset index");
  if (!of) return Err(of.error());
  auto tf = ReadFooter(time_index, format::kTimeIndexEntrySize, 1, "time index");
  if (!tf) return Err(tf.error());
  if (of->entry_count != tf->entry_count || of->covered_bytes != tf->covered_bytes ||
      of->next_relative != tf->next_relative) {
    return Err(Status::Corruption("offset and time index footers disagree"));
  }
  SegmentIndex index(base_offset);
  index.covered_bytes_ = of->covered_bytes;
  index.next_offset_ = base_offset + of->next_relative;
  ByteReader offsets(offset_index);
  ByteReader times(time_index);
  index.entries_.reserve(of->entry_count);
  for (uint32_t i = 0; i < of->entry_count; ++i) {
    Entry e;
    e.relative_offset = offsets.ReadUint32();
    e.position = offsets.ReadUint32();
    e.max_timestamp = times.ReadInt64();
    uint32_t time_relative = times.ReadUint32();
    bool ordered =
        index.entries_.empty() || (e.relative_offset > index.entries_.back().relative_offset &&
                                   e.position > index.entries_.back().position &&
                                   e.max_timestamp >= index.entries_.back().max_timestamp);
    if (time_relative != e.relative_offset || !ordered || e.position >= of->covered_bytes ||
        e.relative_offset >= of->next_relative) {
      return Err(Status::Corruption("index entries are inconsistent"));
    }
    index.entries_.push_back(e);
  }
  index.max_timestamp_ = times.ReadInt64();
  uint32_t max_relative = times.ReadUint32();
  if (!index.empty()) {
    if (max_relative >= of->next_relative) {
      return Err(Status::Corruption("time index summary is out of range"));
    }
    index.offset_of_max_timestamp_ = base_offset + max_relative;
  } else {
    index.max_timestamp_ = kNoTimestamp;
  }
  return index;
}

}  // namespace kpk::broker::storage
