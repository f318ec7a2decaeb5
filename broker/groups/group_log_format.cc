#include "broker/groups/group_log_format.h"

#include "broker/storage/state_log.h"

namespace kpk::broker::groups::format {
namespace {

void WriteString(ByteWriter& w, std::string_view s) {
  w.WriteInt16(static_cast<int16_t>(s.size()));
  w.WriteBytes(s);
}

void WriteNullableString(ByteWriter& w, const std::optional<std::string>& s) {
  if (!s) {
    w.WriteInt16(-1);
    return;
  }
  WriteString(w, *s);
}

void WriteBytes(ByteWriter& w, const Bytes& b) {
  w.WriteInt32(static_cast<int32_t>(b.size()));
  w.WriteBytes(ByteSpan(b));
}

std::optional<std::string> ReadNullableString(ByteReader& r) {
  const int16_t n = r.ReadInt16();
  if (n < 0) return std::nullopt;
  ByteSpan s = r.ReadSpan(static_cast<size_t>(n));
  return std::string(AsChars(s));
}

std::string ReadString(ByteReader& r) {
  auto s = ReadNullableString(r);
  if (!s) r.Fail();
  return s.value_or("");
}

Bytes ReadBytes(ByteReader& r) {
  const int32_t n = r.ReadInt32();
  if (n < 0) {
    r.Fail();
    return {};
  }
  ByteSpan b = r.ReadSpan(static_cast<size_t>(n));
  return Bytes(b.begin(), b.end());
}

void EncodeBody(ByteWriter& w, const OffsetCommitRecord& r) {
  w.WriteUint8(static_cast<uint8_t>(RecordType::kOffsetCommit));
  WriteString(w, r.group);
  WriteString(w, r.topic);
  w.WriteInt32(r.partition);
  w.WriteInt64(r.offset);
  w.WriteInt32(r.leader_epoch);
  WriteNullableString(w, r.metadata);
  w.WriteInt64(r.commit_timestamp_ms);
}

void EncodeBody(ByteWriter& w, const OffsetDeleteRecord& r) {
  w.WriteUint8(static_cast<uint8_t>(RecordType::kOffsetDelete));
  WriteString(w, r.group);
  WriteString(w, r.topic);
  w.WriteInt32(r.partition);
}

void EncodeBody(ByteWriter& w, const GroupMetadataRecord& r) {
  w.WriteUint8(static_cast<uint8_t>(RecordType::kGroupMetadata));
  WriteString(w, r.group);
  WriteString(w, r.protocol_type);
  WriteNullableString(w, r.protocol_name);
  w.WriteInt32(r.generation);
  WriteString(w, r.leader);
  w.WriteInt32(static_cast<int32_t>(r.members.size()));
  for (const MemberRecord& m : r.members) {
    WriteString(w, m.member_id);
    WriteNullableString(w, m.instance_id);
    WriteString(w, m.client_id);
    WriteString(w, m.client_host);
    w.WriteInt32(m.session_timeout_ms);
    w.WriteInt32(m.rebalance_timeout_ms);
    WriteBytes(w, m.metadata);
    WriteBytes(w, m.assignment);
  }
}

void EncodeBody(ByteWriter& w, const GroupDeleteRecord& r) {
  w.WriteUint8(static_cast<uint8_t>(RecordType::kGroupDelete));
  WriteString(w, r.group);
}

OffsetCommitRecord DecodeOffsetCommit(ByteReader& r) {
  OffsetCommitRecord c;
  c.group = ReadString(r);
  c.topic = ReadString(r);
  c.partition = r.ReadInt32();
  c.offset = r.ReadInt64();
  c.leader_epoch = r.ReadInt32();
  c.metadata = ReadNullableString(r);
  c.commit_timestamp_ms = r.ReadInt64();
  return c;
}

OffsetDeleteRecord DecodeOffsetDelete(ByteReader& r) {
  OffsetDeleteRecord d;
  d.group = ReadString(r);
  d.topic = ReadString(r);
  d.partition = r.ReadInt32();
  return d;
}

GroupMetadataRecord DecodeGroupMetadata(ByteReader& r) {
  GroupMetadataRecord g;
  g.group = ReadString(r);
  g.protocol_type = ReadString(r);
  g.protocol_name = ReadNullableString(r);
  g.generation = r.ReadInt32();
  g.leader = ReadString(r);
  const int32_t n = r.ReadInt32();
  // Each member takes at least 28 bytes, so a count the body cannot hold is corrupt.
  if (n < 0 || static_cast<size_t>(n) > r.remaining() / 28) {
    r.Fail();
    return g;
  }
  g.members.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    MemberRecord& m = g.members.emplace_back();
    m.member_id = ReadString(r);
    m.instance_id = ReadNullableString(r);
    m.client_id = ReadString(r);
    m.client_host = ReadString(r);
    m.session_timeout_ms = r.ReadInt32();
    m.rebalance_timeout_ms = r.ReadInt32();
    m.metadata = ReadBytes(r);
    m.assignment = ReadBytes(r);
  }
  return g;
}

}  // namespace

void AppendRecord(ByteWriter& w, const Record& record) {
  const size_t begin = storage::StateLog::BeginRecord(w);
  std::visit([&w](const auto& r) { EncodeBody(w, r); }, record);
  storage::StateLog::EndRecord(w, begin);
}

DecodedBody DecodeBody(ByteSpan body) {
  DecodedBody out;
  ByteReader r(body);
  const auto type = static_cast<RecordType>(r.ReadUint8());
  out.known = true;
  switch (type) {
    case RecordType::kOffsetCommit:
      out.record = DecodeOffsetCommit(r);
      break;
    case RecordType::kOffsetDelete:
      out.record = DecodeOffsetDelete(r);
      break;
    case RecordType::kGroupMetadata:
      out.record = DecodeGroupMetadata(r);
      break;
    case RecordType::kGroupDelete:
      out.record = GroupDeleteRecord{ReadString(r)};
      break;
    default:
      out.known = false;
      return out;
  }
  // Trailing bytes are fields a newer kpk appended; the ones we know are intact.
  out.ok = r.ok();
  return out;
}

}  // namespace kpk::broker::groups::format
