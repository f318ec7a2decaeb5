// The on-disk format of kpk's storage: every file name, layout and constant in one place.
// See docs/storage-format.md for the prose version with a grammar and the recovery rules.
//
// Data directory:
//
//   <data_dir>/FORMAT                          "kpk-storage 1\n"
//   <data_dir>/topics/<topic>/topic.json       name, id, partition count, config overrides
//   <data_dir>/topics/<topic>/<partition>/     one directory per partition (decimal number)
//       00000000000000000000.log               record batches, exactly as produced
//       00000000000000000000.index             sparse offset index (written when sealed)
//       00000000000000000000.timeindex         sparse time index (written when sealed)
//       recovery-point                         checkpoint: offsets below it are on disk
//       log-start-offset                       checkpoint: set by DeleteRecords
//       cleaner-offset                         checkpoint: the log cleaner's first dirty offset
//       compacted-below                        checkpoint: offsets may have gaps below it
//       00000000000000000000.log.cleaned       a cleaned segment being written (compaction)
//       cleaning                               the swap in progress: which segments it replaces
//   <data_dir>/tmp/                            topics being created; emptied on startup
//   <data_dir>/trash/                          topics being deleted; emptied on startup
//   <data_dir>/groups/groups.log               state log (state_log.h): offsets, group metadata
//   <data_dir>/transactions.state              state log (state_log.h): transactions, producer ids
//   <data_dir>/transactions.log                the old text format, migrated on open, then removed
//   <data_dir>/broker_config.json              broker configs set at run time (AlterConfigs)
//
// Segment files are named by the offset of their first batch, zero-padded to 20 digits as in
// Kafka. A `.log` file is a plain concatenation of magic-2 record batches as received, with
// baseOffset and partitionLeaderEpoch rewritten; nothing else is in it.
//
// All integers in kpk's own files are big-endian, like Kafka's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/file_system.h"

namespace kpk::broker::storage::format {

inline constexpr std::string_view kFormatFileName = "FORMAT";
inline constexpr std::string_view kFormatFileContents = "kpk-storage 1\n";
inline constexpr std::string_view kTopicsDirName = "topics";
inline constexpr std::string_view kTempDirName = "tmp";
inline constexpr std::string_view kTrashDirName = "trash";
inline constexpr std::string_view kTopicMetadataFileName = "topic.json";
// The coordinators' state logs and the broker's own configs, beside the topics.
inline constexpr std::string_view kGroupsDirName = "groups";
inline constexpr std::string_view kGroupsLogFileName = "groups.log";
inline constexpr std::string_view kTxnLogFileName = "transactions.state";
inline constexpr std::string_view kLegacyTxnLogFileName = "transactions.log";
inline constexpr std::string_view kBrokerConfigFileName = "broker_config.json";
// The cluster's UUID (GET /v1/cluster/uuid), one canonical UUID and a newline.
inline constexpr std::string_view kClusterUuidFileName = "cluster_uuid";
inline constexpr int kTopicMetadataVersion = 1;

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kOffsetIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";
// Files written via temp + rename carry this suffix until renamed; leftovers are deleted.
inline constexpr std::string_view kTempSuffix = kAtomicWriteSuffix;
inline constexpr size_t kSegmentNameDigits = 20;

// Offset index (.index): one entry per index point, then a footer.
//   entry  := relative_offset: u32 | position: u32
// relative_offset is the batch's baseOffset minus the segment's base offset; position is the
// batch's byte position in the .log. A batch is an index point when it starts at least
// index.interval.bytes after the previous index point (or after byte 0 when there is none).
inline constexpr size_t kOffsetIndexEntrySize = 8;

// Time index (.timeindex): one entry per index point (the same points, in the same order), then
// one summary entry, then a footer.
//   entry   := max_timestamp: i64 | relative_offset: u32
//   summary := max_timestamp: i64 | relative_offset: u32
// An entry's max_timestamp is the largest maxTimestamp of the batches up to and including the
// index point's batch. The summary holds the segment's largest timestamp and the relative offset
// of the first batch that has it (-1 and 0 for an empty segment).
inline constexpr size_t kTimeIndexEntrySize = 12;

// Footer of both index files:
//   footer := magic: u32 | entry_count: u32 | covered_bytes: u32 | covered_next_relative: u32 |
//             crc: u32
// covered_bytes is how much of the .log the index describes (a prefix of whole batches, all of
// which were on disk before the index was written); covered_next_relative is the relative offset
// of the first batch after that prefix. crc is the masked CRC32C of every byte before it.
inline constexpr uint32_t kIndexMagic = 0x4b504b49;  // "KPKI"
inline constexpr size_t kIndexFooterSize = 20;
inline constexpr int32_t kDefaultIndexIntervalBytes = 4096;

// Checkpoint files (recovery-point, log-start-offset): 17 bytes.
//   checkpoint := magic: u32 | version: u8 | value: i64 | crc: u32
// crc is the masked CRC32C of the 13 bytes before it. A checkpoint that fails its CRC is treated
// as absent (recovery-point: scan everything; log-start-offset: the first segment's base).
inline constexpr uint32_t kCheckpointMagic = 0x4b504b43;  // "KPKC"
inline constexpr uint8_t kCheckpointVersion = 1;
inline constexpr size_t kCheckpointSize = 17;
inline constexpr std::string_view kRecoveryPointFileName = "recovery-point";
inline constexpr std::string_view kLogStartOffsetFileName = "log-start-offset";
inline constexpr std::string_view kCleanerOffsetFileName = "cleaner-offset";
// Below this offset compaction may have left gaps; written before a pass swaps anything, so
// that recovery tells those gaps from data a crash lost. Never behind cleaner-offset.
inline constexpr std::string_view kCompactedBelowFileName = "compacted-below";

// Log compaction writes a group of segments' cleaned replacement as `<base>.log.cleaned`, then
// commits the swap by writing the `cleaning` file atomically:
//   cleaning := magic: u32 = "KPKS" | version: u8 = 1 | base: i64 | end: i64 | has_output: u8 |
//               crc: u32          -- masked CRC32C of the 22 bytes before
// It says that the segments with base offsets in [base, end) are replaced by the cleaned file
// (or, without output, simply removed). Recovery finishes a swap it finds; a `.cleaned` file
// without one is an abandoned clean and is deleted.
inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kCleaningFileName = "cleaning";
inline constexpr uint32_t kCleaningMagic = 0x4b504b53;  // "KPKS"
inline constexpr size_t kCleaningSize = 26;

struct CleaningSwap {
  int64_t base = 0;
  int64_t end = 0;
  bool has_output = false;
};
Bytes EncodeCleaningSwap(const CleaningSwap& swap);
std::optional<CleaningSwap> DecodeCleaningSwap(ByteSpan data);

// CRCs stored in kpk's own files are masked (as leveldb does) so that a file which embeds data
// carrying its own CRC does not produce accidental matches. Never applied to Kafka batch CRCs.
inline constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;
inline uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
inline uint32_t UnmaskCrc(uint32_t masked) {
  uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// "00000000000000000042.log" for (42, kLogSuffix).
std::string SegmentFileName(int64_t base_offset, std::string_view suffix);
// The base offset encoded in a segment file name with the given suffix, or nullopt if `name`
// is not exactly 20 digits followed by the suffix.
std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix);

// The 17 bytes of a checkpoint holding `value`.
Bytes EncodeCheckpoint(int64_t value);
// The value in a checkpoint, or nullopt if `data` is not a valid one.
std::optional<int64_t> DecodeCheckpoint(ByteSpan data);

}  // namespace kpk::broker::storage::format
