// One partition's log: a directory of segments, appended to at the end, read from anywhere
// between the log start and the log end, trimmed from the front by retention and DeleteRecords.
//
// Durability: Append only writes to the page cache. Sync() (normally called by the Flusher on
// its thread, for many appends at once) makes everything appended before it durable and
// advances durable_offset(). A response to acks=-1 waits for that.
//
// Thread-safety: every method may be called from any thread. Appends are serialized by an
// internal mutex that is never held across an fsync or a data read; reads copy what they need
// under it and then pread without it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/storage/log_config.h"
#include "broker/storage/log_format.h"
#include "broker/storage/segment.h"
#include "broker/storage/shared_bytes.h"
#include "common/bytes.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::storage {

class PartitionLog;

// What a log needs from its surroundings; shared by every log of a LogManager.
struct LogEnv {
  FileSystem* fs = DefaultFileSystem();
  // false is developer_mode: nothing is fsynced and Sync() only marks data durable. The data
  // then survives a crash of the process (it is in the page cache) but not of the machine.
  bool sync = true;
  // Receives recovery reports and background failures, one line each. Null: stderr.
  std::function<void(std::string_view)> warn;
  // Called (under no lock of the log's) after a roll so the sealed segment gets synced soon;
  // null means the next Sync() does it.
  std::function<void(std::shared_ptr<PartitionLog>)> schedule_sync;
  // How much of each partition's newest durable data stays in the page cache; Sync() drops
  // what it has made durable beyond that. Negative: the kernel decides alone (and always
  // without sync, since dirty pages cannot be dropped).
  int64_t page_cache_tail_bytes = kDefaultPageCacheTailBytes;
};

struct AppendResult {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  // The time stamped into the batch under LogAppendTime; -1 under CreateTime.
  int64_t log_append_time_ms = -1;
};

// How a read hands over its batches.
enum class ReadAs {
  kBytes,             // copied into memory
  kFileRangeIfLarge,  // left in the segment file when there are many (for sendfile)
};

struct ReadResult {
  // Whole batches, starting with the one that holds the requested offset. Empty when the
  // offset is the log end.
  SharedBytes records;
  // The same batches left in the segment file instead (ReadAs::kFileRangeIfLarge); `records`
  // is then empty and `file_owner` keeps the file open.
  FileRange file;
  std::shared_ptr<const void> file_owner;
  // The offset after the last batch returned; the requested offset if none was.
  int64_t next_offset = 0;
  int64_t high_watermark = 0;
  int64_t log_start_offset = 0;
};

// Reads of fewer bytes than this are copied even when a file range may be returned: a
// sendfile and the socket options around it cost more than copying them.
inline constexpr size_t kMinFileRangeBytes = 16 * 1024;

struct TimestampAndOffset {
  int64_t timestamp = 0;
  int64_t offset = 0;
};

// What one pass of the log cleaner did to a partition.
struct CleaningStats {
  // The offsets whose duplicates were removed: [log start, end_offset); those from
  // first_dirty_offset on had not been cleaned before.
  int64_t first_dirty_offset = 0;
  int64_t end_offset = 0;
  double dirty_ratio = 0;  // before the pass
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t bytes_before = 0;  // of the segments cleaned
  uint64_t bytes_after = 0;
  int64_t records_read = 0;
  int64_t records_removed = 0;
  size_t segments_before = 0;
  size_t segments_after = 0;
};

struct CleanerLimits {
  // Memory for the keys of the dirty section; a pass cleans fewer segments when they do not fit.
  size_t offset_map_bytes = 128u << 20;
  // Called with each chunk of bytes read or written; may sleep to hold the cleaner's I/O rate.
  std::function<void(uint64_t bytes)> throttle;
  // Polled between batches: true ends the pass early (kUnavailable), leaving the old segments.
  std::function<bool()> stopping;
};

// Every batch is stamped with this partitionLeaderEpoch: one node, never re-elected.
inline constexpr int32_t kLeaderEpoch = 0;

class PartitionLog : public std::enable_shared_from_this<PartitionLog> {
 public:
  // Opens the partition in `dir` (creating a first segment if it has none) and recovers it:
  // torn tails past the recovery point are truncated; corruption is reported through env.warn
  // and health(), and the partition is offline (unservable()). `name` (e.g. "orders-3") labels
  // messages.
  static Result<std::shared_ptr<PartitionLog>> Open(std::string dir, std::string name,
                                                    const LogConfig& config, LogEnv env,
                                                    int64_t now_ms);
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Appends one batch that has passed protocol::ValidateRecordBatch: stamps its base offset
  // (the log end offset), leader epoch and, under LogAppendTime, now_ms, then writes it with
  // one write. Rolls first if the active segment is full or old. On failure nothing changes:
  // kNoSpace / kIOError (KAFKA_STORAGE_ERROR; later appends work once the cause is gone),
  // kCorruption or kIOError from health() (KAFKA_STORAGE_ERROR until restart), kNotFound if
  // the partition was deleted, kInvalidArgument if the batch is malformed or larger than
  // segment.bytes (MESSAGE_TOO_LARGE).
  Result<AppendResult> Append(std::span<uint8_t> batch, int64_t now_ms);

  // Whole batches from the one holding `offset`, up to max_bytes, from a single segment, never
  // past the high watermark. The first batch comes even if it alone exceeds max_bytes when
  // `oversize_first` (KIP-74: the first partition of a fetch to return data), and otherwise
  // nothing does. kNotFound when offset is
  // outside [log start, log end] (OFFSET_OUT_OF_RANGE). A file range ends at the last batch
  // boundary the index knows within max_bytes (index points are index.interval.bytes apart),
  // so that finding it reads nothing; copied bytes fill max_bytes with whole batches.
  Result<ReadResult> Read(int64_t offset, size_t max_bytes, ReadAs as = ReadAs::kBytes,
                          bool oversize_first = true) const;

  // Hands `visit` every batch from the one holding the log start offset to the log end, in
  // order: its header alone (protocol::batch_header::kSize bytes, whole = false), or all of it
  // where `want_whole` says so. Reads little more than the headers otherwise, so a walk over a
  // log of large batches costs a small share of reading it. Stops at the first error.
  Status ScanBatches(const std::function<bool(const BatchHeader&)>& want_whole,
                     const std::function<Status(ByteSpan bytes, bool whole)>& visit) const;

  // The first offset whose batch has maxTimestamp >= timestamp (for uncompressed CreateTime
  // batches refined to the first such record), or nullopt if there is none (ListOffsets).
  Result<std::optional<TimestampAndOffset>> OffsetForTimestamp(int64_t timestamp) const;
  // The largest timestamp in the log and the offset holding it (ListOffsets -3, KIP-734).
  Result<std::optional<TimestampAndOffset>> MaxTimestamp() const;

  // Moves the log start offset up to `offset` (persisted before returning; blocks for an
  // fsync) and deletes segments wholly below it. Returns the new log start offset.
  // kInvalidArgument if offset > log end (OFFSET_OUT_OF_RANGE). Never moves it back.
  Result<int64_t> DeleteRecordsBefore(int64_t offset);
  // Deletes the oldest segments that retention.ms / retention.bytes / the log start offset say
  // can go; rolls first if that includes the active segment. Returns how many were deleted.
  Result<int> ApplyRetention(int64_t now_ms);
  // Starts a new segment now if the active one is not empty.
  Status Roll(int64_t now_ms);

  // Log compaction (log_compaction.cc), for the LogCleaner's thread. If cleanup.policy includes
  // compact and the log is due (the dirty share of its cleanable bytes reached
  // min.cleanable.dirty.ratio, a record waited max.compaction.lag.ms, or a kept tombstone or
  // marker outlived delete.retention.ms), rewrites its sealed, durable segments older than
  // min.compaction.lag.ms and below the first open transaction: only the newest record of each
  // key stays, tombstones and transaction markers go after delete.retention.ms, aborted
  // transactional records go, and each producer's last batch stays (empty if need be) so its
  // sequence survives a restart. Offsets keep their gaps. Appends and reads go on meanwhile; a
  // crash at any point leaves either the old segments or the new ones. nullopt: nothing due.
  Result<std::optional<CleaningStats>> Compact(int64_t now_ms, const CleanerLimits& limits);
  // Offsets below this have been cleaned (persisted in `cleaner-offset`).
  int64_t cleaner_offset() const { return cleaner_offset_.load(std::memory_order_relaxed); }

  // Makes everything appended so far durable: saves and fsyncs sealed segments, fdatasyncs the
  // active one, fsyncs the directory if files were created, then advances durable_offset() and
  // the recovery point. Concurrent calls are serialized; a call with nothing to do is cheap.
  // An fsync failure is sticky (health() turns kIOError): after one, Linux may have dropped the
  // dirty pages, so nothing written since can be acknowledged.
  Status Sync();
  // Sync() in two steps, so a caller can answer its waiters between them: SyncData() makes the
  // data durable and advances durable_offset(); TidyAfterSync() then writes the recovery point
  // and drops cold pages for it (bookkeeping nobody waits for).
  Status SyncData();
  void TidyAfterSync();
  // Starts writing what SyncData() would sync without waiting for it (File::StartWriteback).
  void StartWriteback();
  // Sync(), then save the active segment's index and the recovery point so the next open
  // needs no scan. Call when appends have stopped. The log is still readable afterwards.
  Status Close();

  void SetConfig(const LogConfig& config);
  // For topic deletion: appends fail with kNotFound from now on and background work stops;
  // a compaction in progress is ended (at its next batch) before this returns, so it writes
  // nothing more in the partition's directory.
  void MarkDeleted();

  int64_t log_start_offset() const;
  // The offset the next appended record gets; also the high watermark on a single node.
  int64_t log_end_offset() const;
  int64_t high_watermark() const { return log_end_offset(); }
  // Offsets below this are on disk (or, in developer mode, were written).
  int64_t durable_offset() const;
  // Bytes of all segments.
  uint64_t size_bytes() const;
  size_t segment_count() const;
  // OK, or why appends are refused until restart (corruption found at open, failed fsync).
  Status health() const;
  // OK, or why the partition cannot be served at all: acknowledged data in it is corrupt (found
  // at open or by a read). Such a partition is offline, as Kafka has a partition whose log
  // directory failed: no reads, no appends, until someone intervenes (deletes the topic, or
  // repairs the files and restarts).
  Status unservable() const;
  LogConfig config() const;
  const std::string& name() const { return name_; }
  const std::string& dir() const { return dir_; }

 private:
  PartitionLog(std::string dir, std::string name, const LogConfig& config, LogEnv env);

  // A byte range of one segment, copied under mu_ for a read done without it.
  struct SegmentRange {
    std::shared_ptr<Segment> segment;
    uint64_t start;
    uint64_t end;
  };

  // Takes the partition offline after a read found `corruption`; reported once.
  void MarkCorrupt(const Status& corruption) const;
  Result<ReadResult> ReadServable(int64_t offset, size_t max_bytes, ReadAs as,
                                  bool oversize_first) const;

  // Recovery (log_recovery.cc).
  Status Recover(int64_t now_ms);
  // Completes or abandons a compaction swap interrupted by a crash.
  Status FinishInterruptedCleaning();
  Status RecoverSegments(const std::vector<int64_t>& bases, int64_t recovery_point);
  // Deletes the segments bases[first..]: writes made after a torn tail, never acknowledged.
  void RemoveSegmentsAfterTornTail(const std::vector<int64_t>& bases, size_t first,
                                   const std::string& why);
  void Warn(std::string_view message) const;

  // Under mu_.
  bool ShouldRollLocked(const protocol::RecordBatchView& batch, int64_t now_ms) const;
  Status RollLocked(int64_t now_ms);
  std::shared_ptr<Segment> SegmentForOffsetLocked(int64_t offset) const;
  Status WriteRecoveryPoint(int64_t offset);

  // Compaction (log_compaction.cc).
  struct CleaningPlan;
  struct CleanedGroup;
  std::optional<CleaningPlan> PlanCleaning(int64_t now_ms);
  Result<bool> CommitCleanedGroup(CleanedGroup& group);
  Status WriteCompactedBelow(int64_t offset);
  Status FailSwap(const Status& cause);
  bool IsDeleted() const;
  // Under sync_mu_, after a successful sync that made `active` durable up to `durable_size`
  // bytes: drops from the page cache what lies beyond page_cache_tail_bytes from that end.
  void DropColdPages(const std::shared_ptr<Segment>& active, uint64_t durable_size);

  const std::string dir_;
  const std::string name_;
  const LogEnv env_;

  mutable std::mutex mu_;
  LogConfig config_;
  // Sorted by base offset; the last one is active. Never empty.
  std::vector<std::shared_ptr<Segment>> segments_;
  int64_t log_start_offset_ = 0;
  uint64_t size_bytes_ = 0;
  int64_t durable_offset_ = 0;
  // Sealed segments whose index is not yet saved and whose data is not yet fsynced.
  std::vector<std::shared_ptr<Segment>> unsynced_sealed_;
  bool dir_dirty_ = false;
  bool deleted_ = false;
  // Mutable: a read (const) that finds corruption takes the partition offline (MarkCorrupt).
  mutable Status health_;

  // Serializes Sync and Close and guards the recovery-point file and tidy_.
  std::mutex sync_mu_;
  // What the last SyncData made durable, for TidyAfterSync; `active` is null when done.
  struct Tidy {
    int64_t durable_offset = 0;
    std::shared_ptr<Segment> active;
    uint64_t active_size = 0;
  };
  Tidy tidy_;
  std::unique_ptr<File> recovery_point_file_;
  int64_t recovery_point_written_ = -1;
  // Serializes DeleteRecordsBefore's checkpoint writes and every removal of segment files
  // (retention, compaction swaps).
  std::mutex admin_mu_;
  // One compaction at a time; guards next_cleaning_due_ms_.
  std::mutex clean_mu_;
  // Offsets below cleaner_offset_ are cleaned (`cleaner-offset`, written after a pass).
  std::atomic<int64_t> cleaner_offset_{0};
  // Offsets may have gaps below this (`compacted-below`, written before a pass swaps
  // anything). Under clean_mu_, or during recovery.
  int64_t compacted_below_ = 0;
  // When a tombstone or marker kept by the last pass expires (0: unknown since start).
  int64_t next_cleaning_due_ms_ = 0;
};

// Carries out a compaction swap described by a `cleaning` file (log_format.h): removes the
// replaced segments' files and renames the `.cleaned` file into place. Repeatable: recovery
// calls it again for a swap a crash interrupted.
Status FinishCleaningSwap(FileSystem& fs, const std::string& dir, const format::CleaningSwap& swap);

}  // namespace kpk::broker::storage
