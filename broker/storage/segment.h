// A log segment: one .log file of record batches plus its in-memory SegmentIndex, and the
// buffered scanning used to find batches in it.
//
// Thread-safety: a Segment's index and size are guarded by the owning PartitionLog's mutex.
// Bytes below size() never change once written, so readers may pread them without the mutex
// after copying the positions they need (and holding a shared_ptr to keep the file open).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/storage/segment_index.h"
#include "broker/storage/shared_bytes.h"
#include "common/bytes.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::storage {

// What a batch's header says, and where the batch is.
struct BatchHeader {
  uint64_t position = 0;
  uint32_t size = 0;  // the whole batch, header included
  int64_t base_offset = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int16_t attributes = 0;

  int64_t next_offset() const { return base_offset + last_offset_delta + 1; }
};

// Walks the batches in [start, end) of a file in order, reading through a buffer so that a walk
// over many small batches costs a few large reads. Checks framing only (a whole header, magic 2,
// a plausible batchLength that fits before `end`); CRCs are the caller's business.
class BatchScanner {
 public:
  enum class Step {
    kBatch,      // header() (and batch(), if asked for) describe the next batch
    kEnd,        // reached `end` exactly
    kPartial,    // fewer bytes remain than the header or its batchLength needs
    kBadHeader,  // magic is not 2 or batchLength is impossible
    kIOError,    // see io_status()
  };

  // `file` must outlive the scanner.
  BatchScanner(const File& file, uint64_t start, uint64_t end, size_t chunk_bytes = 64 * 1024);

  // Moves to the next batch. With whole_batch, all of its bytes are read too.
  Step Next(bool whole_batch);
  const BatchHeader& header() const { return header_; }
  // The current batch's bytes; valid after Next(true) returned kBatch, until the next call.
  ByteSpan batch() const;
  // The current batch's header (its first protocol::batch_header::kSize bytes); valid after
  // Next() returned kBatch, until the next call.
  ByteSpan header_bytes() const;
  // Where the batch after the current one starts (the scan's position).
  uint64_t next_position() const { return next_; }
  const Status& io_status() const { return io_status_; }
  // Why Next() returned neither kBatch nor kEnd: the read error, or a Corruption naming the
  // file and the byte where the malformed batch starts.
  Status failure() const;

 private:
  // Makes [pos, pos + n) available in buf_; false on a short read or an error.
  bool Fill(uint64_t pos, size_t n);

  const File& file_;
  uint64_t next_;
  uint64_t end_;
  size_t chunk_;
  Bytes buf_;
  uint64_t buf_pos_ = 0;
  BatchHeader header_;
  Status io_status_;
};

class Segment {
 public:
  // Creates the .log of a new, empty segment (emptying any leftover file of that name).
  static Result<std::shared_ptr<Segment>> Create(FileSystem& fs, const std::string& dir,
                                                 int64_t base_offset);
  // Creates `<base>.log.cleaned`, where the log cleaner writes a segment's replacement.
  static Result<std::shared_ptr<Segment>> CreateCleaned(FileSystem& fs, const std::string& dir,
                                                        int64_t base_offset);
  // Opens an existing .log. The index starts empty: recovery loads or rebuilds it.
  static Result<std::shared_ptr<Segment>> Open(FileSystem& fs, const std::string& dir,
                                               int64_t base_offset);

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  int64_t base_offset() const { return index_.base_offset(); }
  int64_t next_offset() const { return index_.next_offset(); }
  // Bytes of whole, accepted batches; the .log may be longer only during recovery or after a
  // failed write that could not be truncated away (later writes overwrite such bytes).
  uint32_t size() const { return index_.covered_bytes(); }
  bool empty() const { return index_.empty(); }
  SegmentIndex& index() { return index_; }
  const SegmentIndex& index() const { return index_; }
  File& log() const { return *log_; }
  const std::string& dir() const { return dir_; }
  // Wall-clock time of the first append (or of opening), for segment.ms.
  int64_t roll_clock_ms() const { return roll_clock_ms_; }
  void set_roll_clock_ms(int64_t ms) { roll_clock_ms_ = ms; }

  // Writes a batch (already stamped with its offsets) at size(). On failure the file is
  // truncated back to size() and the segment is unchanged.
  Status Append(ByteSpan batch, const BatchHeader& header, int32_t index_interval_bytes);

  // Saves `index` (this segment's, or a copy of it) as the segment's index files: temp file,
  // optional fsync, rename. Only call it for data that is already durable.
  Status SaveIndex(FileSystem& fs, const SegmentIndex& index, bool sync) const;
  // Replaces the index with the saved one if both files exist, decode, and agree with a .log
  // of `log_file_size` bytes (the batch at the last index point must be where it says).
  // Returns why not otherwise; the index is then left empty.
  Status LoadIndex(FileSystem& fs, uint64_t log_file_size);
  // Removes the .log and index files. Open handles keep working until released.
  Status RemoveFiles(FileSystem& fs);
  // Set once the files are gone, so background work skips the segment.
  bool removed() const { return removed_.load(std::memory_order_acquire); }
  // For a segment whose files were removed or replaced by name (a compaction swap).
  void MarkRemoved() { removed_.store(true, std::memory_order_release); }

  // Bytes of the .log before this (a page boundary) are no business of the page-cache window
  // any more: dropped from the cache, or there before this run. Guarded by the owning
  // PartitionLog's sync mutex.
  uint64_t cache_window_start() const { return cache_window_start_; }
  void set_cache_window_start(uint64_t position) { cache_window_start_ = position; }

  std::string FilePath(std::string_view suffix) const;

 private:
  Segment(std::string dir, int64_t base_offset, std::unique_ptr<File> log)
      : dir_(std::move(dir)), index_(base_offset), log_(std::move(log)) {}

  std::string dir_;
  SegmentIndex index_;
  std::unique_ptr<File> log_;
  int64_t roll_clock_ms_ = 0;
  std::atomic<bool> removed_{false};
  uint64_t cache_window_start_ = 0;
};

// Finds the batch holding `offset` by scanning [start, end) of `file`, where `start` is an index
// point at or before it. nullopt if no batch in the range holds it.
Result<std::optional<BatchHeader>> FindBatchByOffset(const File& file, uint64_t start, uint64_t end,
                                                     int64_t offset);
// Finds the first batch in [start, end) whose maxTimestamp >= timestamp and which holds offsets
// >= min_offset.
Result<std::optional<BatchHeader>> FindBatchByTimestamp(const File& file, uint64_t start,
                                                        uint64_t end, int64_t timestamp,
                                                        int64_t min_offset);

// The bytes of the batch `header` describes; fewer if the file ends first.
Result<Bytes> ReadBatch(const File& file, const BatchHeader& header);

// Reads whole batches starting at `start` (a batch boundary) and ending at or before `end`:
// as many as fit in max_bytes, but always the first one even if it is larger (KIP-74). The
// buffer can be handed on (to a Fetch response) without a copy.
Result<SharedBytes> ReadBatches(const File& file, uint64_t start, uint64_t end, size_t max_bytes);

// The whole batches at the start of `bytes` (framing only): how many bytes they take, and the
// offset after the last of them (`none_offset` if there is none).
struct WholeBatches {
  size_t bytes;
  int64_t next_offset;
};
WholeBatches ScanWholeBatches(ByteSpan bytes, int64_t none_offset);

}  // namespace kpk::broker::storage
