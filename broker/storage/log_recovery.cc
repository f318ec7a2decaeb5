// Opening a partition log: finding its segments, loading or rebuilding their indexes, checking
// what may not have reached the disk, truncating a torn tail, and reporting corruption.
//
// Rules (also in docs/storage-format.md):
//  - Batches below the recovery point were fsynced and are trusted: only their framing is
//    walked, and only where no saved index covers them.
//  - Batches at or past it are checked in full (framing, offsets, CRC).
//  - A bad stretch past the recovery point with no valid batch after it in the segment is a
//    torn tail: the crash interrupted writes nobody was told were durable. It is truncated, and
//    any later segments (which can only hold later unacknowledged writes) are deleted.
//  - Anything else bad is corruption: the log keeps every byte and is offline (health() is
//    kCorruption: no reads, no appends) until someone intervenes.
#include <algorithm>
#include <cstdio>
#include <set>

#include "broker/protocol/record_batch.h"
#include "broker/storage/compacted_batch.h"
#include "broker/storage/log_format.h"
#include "broker/storage/partition_log.h"

namespace kpk::broker::storage {
namespace {

namespace bh = protocol::batch_header;

constexpr size_t kRecoveryChunkBytes = 1 << 20;

std::optional<int64_t> ReadCheckpoint(FileSystem& fs, const std::string& path, bool* invalid) {
  *invalid = false;
  if (!fs.Exists(path)) return std::nullopt;
  auto data = ReadWholeFile(fs, path);
  // An empty file is a checkpoint created but never written (or lost in a crash): absent.
  if (data && data->empty()) return std::nullopt;
  std::optional<int64_t> value;
  if (data) value = format::DecodeCheckpoint(*data);
  *invalid = !value.has_value();
  return value;
}

// A stored batch checked in full. Compaction rewrites batches below `compacted_below` with
// fewer records than their offsets span (even none), which a producer's batch may not have.
Status CheckBatch(ByteSpan batch, int64_t compacted_below) {
  if (batch.size() >= bh::kSize && LoadBigEndian<int64_t>(batch.data()) < compacted_below) {
    return ValidateCompactedBatch(batch);
  }
  return protocol::ValidateRecordBatch(batch);
}

// Whether a batch with a valid CRC and a base offset >= min_offset starts anywhere in
// (from, end). Tells a torn tail (nothing valid after the damage) from damage in the middle.
Result<bool> ValidBatchAfter(const File& file, uint64_t from, uint64_t end, int64_t min_offset,
                             int64_t compacted_below) {
  Bytes chunk;
  uint64_t chunk_start = from + 1;
  while (chunk_start + bh::kSize <= end) {
    chunk.resize(static_cast<size_t>(std::min<uint64_t>(kRecoveryChunkBytes, end - chunk_start)));
    auto n = file.ReadAt(chunk_start, chunk);
    if (!n) return Err(n.error());
    if (*n < bh::kSize) return false;
    for (size_t q = 0; q + bh::kSize <= *n; ++q) {
      const uint8_t* h = chunk.data() + q;
      if (static_cast<int8_t>(h[bh::kMagic]) != protocol::kMagicV2) continue;
      int32_t length = LoadBigEndian<int32_t>(h + bh::kBatchLength);
      if (length < protocol::kMinBatchLengthV2) continue;
      uint64_t size = static_cast<uint64_t>(length) + bh::kLogOverhead;
      if (chunk_start + q + size > end || LoadBigEndian<int64_t>(h) < min_offset) continue;
      Bytes batch(size);
      auto got = file.ReadAt(chunk_start + q, batch);
      if (!got) return Err(got.error());
      if (*got == size && CheckBatch(batch, compacted_below).ok()) return true;
    }
    chunk_start += *n - bh::kSize + 1;
  }
  return false;
}

}  // namespace

void PartitionLog::Warn(std::string_view message) const {
  std::string line = "storage: " + name_ + ": " + std::string(message);
  if (env_.warn) {
    env_.warn(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

Result<std::shared_ptr<PartitionLog>> PartitionLog::Open(std::string dir, std::string name,
                                                         const LogConfig& config, LogEnv env,
                                                         int64_t now_ms) {
  if (env.fs == nullptr) env.fs = DefaultFileSystem();
  std::shared_ptr<PartitionLog> log(
      new PartitionLog(std::move(dir), std::move(name), config, std::move(env)));
  Status s = log->Recover(now_ms);
  if (!s.ok()) return Err(s);
  return log;
}

Status PartitionLog::Recover(int64_t now_ms) {
  FileSystem& fs = *env_.fs;
  Status s = fs.CreateDir(dir_);
  if (!s.ok()) return s;
  s = FinishInterruptedCleaning();
  if (!s.ok()) return s;
  auto names = fs.ListDir(dir_);
  if (!names) return names.error();
  std::set<int64_t> bases;
  std::vector<std::pair<int64_t, std::string>> index_files;
  for (const std::string& name : *names) {
    if (name.ends_with(format::kTempSuffix) || name.ends_with(format::kCleanedSuffix)) {
      // An interrupted temp + rename, or a clean abandoned before its swap was committed.
      (void)fs.RemoveFile(JoinPath(dir_, name));
    } else if (auto base = format::ParseSegmentFileName(name, format::kLogSuffix)) {
      bases.insert(*base);
    } else if (auto b = format::ParseSegmentFileName(name, format::kOffsetIndexSuffix)) {
      index_files.emplace_back(*b, name);
    } else if (auto t = format::ParseSegmentFileName(name, format::kTimeIndexSuffix)) {
      index_files.emplace_back(*t, name);
    }
  }
  for (const auto& [base, name] : index_files) {
    if (!bases.contains(base)) (void)fs.RemoveFile(JoinPath(dir_, name));  // orphaned
  }

  bool invalid = false;
  auto start_checkpoint =
      ReadCheckpoint(fs, JoinPath(dir_, format::kLogStartOffsetFileName), &invalid);
  if (invalid) Warn("ignoring an unreadable log-start-offset checkpoint");
  auto cleaner_checkpoint =
      ReadCheckpoint(fs, JoinPath(dir_, format::kCleanerOffsetFileName), &invalid);
  if (invalid) Warn("ignoring an unreadable cleaner-offset checkpoint; the next clean reads all");
  cleaner_offset_.store(cleaner_checkpoint.value_or(0), std::memory_order_relaxed);
  auto compacted_below =
      ReadCheckpoint(fs, JoinPath(dir_, format::kCompactedBelowFileName), &invalid);
  if (invalid) Warn("ignoring an unreadable compacted-below checkpoint");
  compacted_below_ = std::max(compacted_below.value_or(0), cleaner_offset());
  std::string recovery_point_path = JoinPath(dir_, format::kRecoveryPointFileName);
  auto recovery_point = ReadCheckpoint(fs, recovery_point_path, &invalid);
  if (invalid) Warn("ignoring an unreadable recovery-point checkpoint; checking every segment");
  auto rp_file = fs.Open(recovery_point_path, OpenMode::kCreate);
  if (!rp_file) return rp_file.error();
  recovery_point_file_ = std::move(*rp_file);
  if (recovery_point) recovery_point_written_ = *recovery_point;

  if (bases.empty()) {
    auto segment = Segment::Create(fs, dir_, start_checkpoint.value_or(0));
    if (!segment) return segment.error();
    segments_.push_back(std::move(*segment));
    dir_dirty_ = true;
  } else {
    s = RecoverSegments(std::vector<int64_t>(bases.begin(), bases.end()),
                        recovery_point.value_or(0));
    if (!s.ok()) return s;
  }

  // What was on disk before this run is the kernel's to cache or not.
  for (const auto& segment : segments_) segment->set_cache_window_start(segment->size());
  int64_t end = segments_.back()->next_offset();
  log_start_offset_ = std::max(start_checkpoint.value_or(0), segments_.front()->base_offset());
  if (log_start_offset_ > end) {
    Warn("log-start-offset " + std::to_string(log_start_offset_) + " is past the log end " +
         std::to_string(end) + "; using the log end");
    log_start_offset_ = end;
  }
  size_bytes_ = 0;
  for (const auto& segment : segments_) size_bytes_ += segment->size();
  segments_.back()->set_roll_clock_ms(now_ms);

  // What recovery accepted past the recovery point may still be only in the page cache (after
  // a process crash); sync it before calling it durable.
  if (env_.sync) {
    int64_t rp = recovery_point.value_or(0);
    for (const auto& segment : segments_) {
      if (segment->next_offset() <= rp) continue;
      s = segment->log().Sync();
      if (!s.ok()) return s;
    }
    if (dir_dirty_) {  // files were created or deleted; a clean open skips this fsync
      s = fs.SyncDir(dir_);
      if (!s.ok()) return s;
      dir_dirty_ = false;
    }
    (void)WriteRecoveryPoint(end);
  }
  durable_offset_ = end;
  return Status::OK();
}

Status PartitionLog::FinishInterruptedCleaning() {
  FileSystem& fs = *env_.fs;
  const std::string path = JoinPath(dir_, format::kCleaningFileName);
  if (!fs.Exists(path)) return Status::OK();
  auto data = ReadWholeFile(fs, path);
  if (!data) return data.error();
  // Written atomically, so a file that does not decode was damaged after the fact: the swap it
  // described cannot be known, and every file is kept.
  auto swap = format::DecodeCleaningSwap(*data);
  if (!swap) {
    Warn("ignoring an unreadable compaction swap file; keeping every segment");
    return fs.RemoveFile(path);
  }
  Status s = FinishCleaningSwap(fs, dir_, *swap);
  if (s.ok()) s = fs.SyncDir(dir_);
  if (s.ok()) s = fs.RemoveFile(path);
  if (s.ok()) {
    Warn("finished a compaction swap interrupted by a crash (segments " +
         std::to_string(swap->base) + " to " + std::to_string(swap->end) + ")");
  }
  return s;
}

void PartitionLog::RemoveSegmentsAfterTornTail(const std::vector<int64_t>& bases, size_t first,
                                               const std::string& why) {
  if (first >= bases.size()) return;
  for (size_t j = first; j < bases.size(); ++j) {
    auto orphan = Segment::Open(*env_.fs, dir_, bases[j]);
    if (orphan) (void)(*orphan)->RemoveFiles(*env_.fs);
  }
  dir_dirty_ = true;
  Warn("deleted " + std::to_string(bases.size() - first) + " segment(s) after a torn tail" + why);
}

Status PartitionLog::RecoverSegments(const std::vector<int64_t>& bases, int64_t recovery_point) {
  FileSystem& fs = *env_.fs;
  for (size_t i = 0; i < bases.size(); ++i) {
    // Compaction leaves gaps, but only below the cleaner offset (written before its swaps).
    const int64_t expected_base = i > 0 ? segments_.back()->next_offset() : 0;
    const bool compaction_gap = bases[i] > expected_base && bases[i] <= compacted_below_;
    if (i > 0 && bases[i] != expected_base && !compaction_gap) {
      int64_t expected = segments_.back()->next_offset();
      std::string what = "segment " + format::SegmentFileName(bases[i], format::kLogSuffix) +
                         " does not follow on from offset " + std::to_string(expected);
      if (expected < recovery_point) {
        health_ = Status::Corruption(name_ + ": " + what);
        Warn("CORRUPTION: " + what + "; the partition is offline, keeping every file");
        return Status::OK();
      }
      // Past the recovery point this is a segment left over by a crash: unacknowledged.
      RemoveSegmentsAfterTornTail(bases, i, ": " + what);
      return Status::OK();
    }

    auto opened = Segment::Open(fs, dir_, bases[i]);
    if (!opened) return opened.error();
    std::shared_ptr<Segment> segment = std::move(*opened);
    auto file_size = segment->log().Size();
    if (!file_size) return file_size.error();
    bool last = i + 1 == bases.size();
    Status loaded = segment->LoadIndex(fs, *file_size);
    if (!loaded.ok() && !last) {
      if (loaded.code() != Status::Code::kNotFound) {
        Warn("rebuilding the index of " + segment->FilePath(format::kLogSuffix) + ": " +
             loaded.message());
      }
      unsynced_sealed_.push_back(segment);  // so the next Sync() saves the rebuilt index
    }

    BatchScanner scanner(segment->log(), segment->size(), *file_size, kRecoveryChunkBytes);
    std::string problem;
    while (problem.empty()) {
      BatchScanner::Step step = scanner.Next(true);
      if (step == BatchScanner::Step::kEnd) break;
      if (step == BatchScanner::Step::kIOError) return scanner.io_status();
      if (step == BatchScanner::Step::kPartial) {
        problem = "incomplete batch";
      } else if (step == BatchScanner::Step::kBadHeader) {
        problem = "invalid batch header";
      } else if (scanner.header().base_offset != segment->next_offset() &&
                 (scanner.header().base_offset < segment->next_offset() ||
                  scanner.header().base_offset > compacted_below_)) {
        // Offsets skip forward only where compaction dropped whole batches.
        problem = "batch has offset " + std::to_string(scanner.header().base_offset) + " where " +
                  std::to_string(segment->next_offset()) + " was expected";
      } else if (scanner.header().last_offset_delta < 0) {
        problem = "batch has a negative last offset delta";
      } else if (scanner.header().base_offset >= recovery_point) {
        Status valid = CheckBatch(scanner.batch(), compacted_below_);
        if (!valid.ok()) problem = valid.message();
      }
      if (problem.empty()) {
        const BatchHeader& h = scanner.header();
        segment->index().Add(h.base_offset, h.next_offset(), h.max_timestamp, h.size,
                             config_.index_interval_bytes);
      }
    }
    segments_.push_back(segment);
    if (problem.empty()) continue;

    uint64_t at = segment->size();
    std::string where = segment->FilePath(format::kLogSuffix) + " at byte " + std::to_string(at);
    bool corrupt = segment->next_offset() < recovery_point;  // damage to fsynced data
    if (!corrupt) {
      auto later_valid =
          ValidBatchAfter(segment->log(), at, *file_size, segment->next_offset(), compacted_below_);
      if (!later_valid) return later_valid.error();
      corrupt = *later_valid;
    }
    if (corrupt) {
      health_ = Status::Corruption(name_ + ": " + problem + " in " + where);
      Warn("CORRUPTION in " + where + ": " + problem +
           "; the partition is offline, keeping every byte");
      return Status::OK();
    }
    Warn("truncating a torn tail of " + std::to_string(*file_size - at) + " bytes in " + where +
         " (" + problem + ")");
    Status s = segment->log().Truncate(at);
    if (s.ok() && env_.sync) s = segment->log().Sync();
    if (!s.ok()) return s;
    *file_size = at;
    // Later segments hold only writes made after the torn ones: never acknowledged.
    RemoveSegmentsAfterTornTail(bases, i + 1, "");
    break;
  }
  if (segments_.back()->next_offset() < recovery_point) {
    Warn("the log ends at offset " + std::to_string(segments_.back()->next_offset()) +
         " but offsets up to " + std::to_string(recovery_point) +
         " were recorded as durable: acknowledged data is missing");
  }
  return Status::OK();
}

}  // namespace kpk::broker::storage
