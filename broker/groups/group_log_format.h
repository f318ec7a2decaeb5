// The on-disk format of consumer group data: <data>/groups/groups.log.
//
// One append-only file holds every committed offset and every group's last known metadata, the
// way Kafka's __consumer_offsets topic does, but as kpk's own small records:
//
//   file    := header record*
//   header  := "KPKGRP" (6 bytes) | format version u16 (1)
//   record  := body_length u32 | crc32c(body) u32 | body
//   body    := type u8 | fields
//
// Integers are big-endian. str := length i16 | bytes (length -1: null, for nullable fields);
// bytes := length i32 | bytes. Record bodies by type:
//
//   1 OffsetCommit   group str | topic str | partition i32 | offset i64 | leader_epoch i32 |
//                    metadata str (nullable) | commit_timestamp_ms i64
//   2 OffsetDelete   group str | topic str | partition i32
//   3 GroupMetadata  group str | protocol_type str | protocol_name str (nullable) |
//                    generation i32 | leader str | member_count i32 |
//                    member* (member_id str | instance_id str (nullable) | client_id str |
//                             client_host str | session_timeout_ms i32 |
//                             rebalance_timeout_ms i32 | metadata bytes | assignment bytes)
//   4 GroupDelete    group str       (the group and all its offsets are gone)
//
// The header and record framing are a StateLog's (broker/storage/state_log.h), which also owns
// the rules for torn tails (cut when the file is opened) and damage in the middle (refused).
// Later records override earlier ones: replay applies them in file order. Unknown record types
// (from a newer kpk) are skipped. The file is compacted by writing a snapshot (one
// GroupMetadata per group followed by its OffsetCommits) to groups.log.tmp, fsyncing it and
// renaming it over groups.log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.h"

namespace kpk::broker::groups::format {

inline constexpr std::string_view kMagic = "KPKGRP";
inline constexpr uint16_t kVersion = 1;

enum class RecordType : uint8_t {
  kOffsetCommit = 1,
  kOffsetDelete = 2,
  kGroupMetadata = 3,
  kGroupDelete = 4,
};

struct OffsetCommitRecord {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp_ms = -1;
  bool operator==(const OffsetCommitRecord&) const = default;
};

struct OffsetDeleteRecord {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  bool operator==(const OffsetDeleteRecord&) const = default;
};

struct MemberRecord {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  Bytes metadata;  // the subscription for the chosen protocol
  Bytes assignment;
  bool operator==(const MemberRecord&) const = default;
};

struct GroupMetadataRecord {
  std::string group;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  int32_t generation = 0;
  std::string leader;
  std::vector<MemberRecord> members;
  bool operator==(const GroupMetadataRecord&) const = default;
};

struct GroupDeleteRecord {
  std::string group;
  bool operator==(const GroupDeleteRecord&) const = default;
};

using Record =
    std::variant<OffsetCommitRecord, OffsetDeleteRecord, GroupMetadataRecord, GroupDeleteRecord>;

// Appends one framed record (length, crc, body: a StateLog frame) to `w`.
void AppendRecord(ByteWriter& w, const Record& record);

// Decodes one record body: `known` is false for a type from a newer kpk, `ok` false for a known
// type whose body does not parse.
struct DecodedBody {
  bool known = false;
  bool ok = false;
  Record record;
};
DecodedBody DecodeBody(ByteSpan body);

}  // namespace kpk::broker::groups::format
