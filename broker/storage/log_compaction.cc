// Log compaction: Kafka's log cleaner for one partition (PartitionLog::Compact).
//
// A pass, on the LogCleaner's thread:
//  1. Plan (under the log's mutex): the sealed, durable segments from the log start up to the
//     first one that is too young (min.compaction.lag.ms); the dirty section is what lies past
//     the cleaner offset. Decide whether the log is due at all.
//  2. Scan the batch headers of the whole log for transactions: which are aborted, where the
//     first open one starts (nothing from there on is cleaned), and each producer's last batch.
//  3. Map every key of the dirty section to its newest offset, within a memory budget (the
//     section ends early, at a segment boundary, when the keys do not fit).
//  4. Rewrite the planned segments in groups of at most segment.bytes, each group into one
//     `.cleaned` file, and swap each group in (see CommitCleanedGroup for the crash rules).
//  5. Move the cleaner offset to the end of the dirty section.
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include "broker/protocol/record_batch.h"
#include "broker/storage/compacted_batch.h"
#include "broker/storage/log_format.h"
#include "broker/storage/partition_log.h"

namespace kpk::broker::storage {
namespace {

namespace attr = protocol::batch_attributes;
using protocol::RecordBatchView;

constexpr size_t kCleanerChunkBytes = 1 << 20;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// What the transactions in a log say about its batches.
class TxnFacts {
 public:
  Status Scan(const PartitionLog& log);
  bool IsAborted(int64_t producer_id, int64_t offset) const;
  bool IsLastBatch(int64_t producer_id, int64_t base_offset) const {
    auto it = last_batch_.find(producer_id);
    return it != last_batch_.end() && it->second == base_offset;
  }
  // The first offset of the oldest open transaction: its fate, and so that of everything after
  // it, is not known yet.
  int64_t first_unstable_offset() const { return first_unstable_; }

 private:
  void OnMarker(const RecordBatchView& batch);

  std::unordered_map<int64_t, int64_t> open_;  // producer id -> first offset of its transaction
  std::unordered_map<int64_t, std::vector<std::pair<int64_t, int64_t>>> aborted_;
  std::unordered_map<int64_t, int64_t> last_batch_;  // producer id -> its last data batch
  int64_t first_unstable_ = kNever;
};

Status TxnFacts::Scan(const PartitionLog& log) {
  auto is_control = [](const BatchHeader& h) { return (h.attributes & attr::kControl) != 0; };
  Status s = log.ScanBatches(is_control, [this](ByteSpan bytes, bool whole) -> Status {
    auto batch = whole ? RecordBatchView::Parse(bytes) : RecordBatchView::ParseHeader(bytes);
    if (!batch) return batch.error();
    const int64_t producer = batch->producer_id();
    if (producer < 0) return Status::OK();
    if (batch->is_control()) {
      OnMarker(*batch);
    } else {
      last_batch_[producer] = batch->base_offset();
      if (batch->is_transactional()) open_.try_emplace(producer, batch->base_offset());
    }
    return Status::OK();
  });
  for (const auto& [producer, first] : open_) first_unstable_ = std::min(first_unstable_, first);
  return s;
}

void TxnFacts::OnMarker(const RecordBatchView& batch) {
  auto it = open_.find(batch.producer_id());
  if (it == open_.end()) return;
  protocol::RecordIterator records(batch);
  protocol::RecordView record;
  if (records.Next(&record)) {
    auto marker = protocol::ParseControlRecord(record);
    if (marker && marker->type == protocol::ControlType::kAbort) {
      aborted_[batch.producer_id()].emplace_back(it->second, batch.base_offset());
    }
  }
  open_.erase(it);
}

bool TxnFacts::IsAborted(int64_t producer_id, int64_t offset) const {
  auto it = aborted_.find(producer_id);
  if (it == aborted_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [offset](const auto& r) { return r.first <= offset && offset <= r.second; });
}

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

// Each key of the dirty section and the offset of its newest record.
class OffsetMap {
 public:
  explicit OffsetMap(size_t budget_bytes) : budget_(budget_bytes) {}
  void Put(ByteSpan key, int64_t offset) {
    auto [it, added] = map_.try_emplace(std::string(AsChars(key)), offset);
    if (added) {
      bytes_ += key.size() + kEntryOverhead;
    } else {
      it->second = std::max(it->second, offset);
    }
  }
  std::optional<int64_t> Get(ByteSpan key) const {
    auto it = map_.find(AsChars(key));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool full() const { return bytes_ >= budget_; }

 private:
  // A node, its hash slot and the string's own allocation, roughly.
  static constexpr size_t kEntryOverhead = 64;
  size_t budget_;
  size_t bytes_ = 0;
  std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>> map_;
};

// Whole batches of [0, segment size) in order, read in large chunks at the limits' pace.
Status ForEachBatch(const Segment& segment, const CleanerLimits& limits,
                    const std::function<Status(const BatchHeader&, ByteSpan)>& visit) {
  BatchScanner scanner(segment.log(), 0, segment.size(), kCleanerChunkBytes);
  while (true) {
    if (limits.stopping && limits.stopping()) {
      return Status::Unavailable("the log cleaner is stopping");
    }
    const BatchScanner::Step step = scanner.Next(true);
    if (step == BatchScanner::Step::kEnd) return Status::OK();
    if (step != BatchScanner::Step::kBatch) return scanner.failure();
    if (limits.throttle) limits.throttle(scanner.header().size);
    Status s = visit(scanner.header(), scanner.batch());
    if (!s.ok()) return s;
  }
}

}  // namespace

struct PartitionLog::CleaningPlan {
  LogConfig config;
  // Sealed, durable segments old enough to clean, in order, and where each ends (the next
  // segment's base: cleaned segments may end in a gap).
  std::vector<std::shared_ptr<Segment>> segments;
  std::vector<int64_t> ends;
  int64_t log_start_offset = 0;
  int64_t first_dirty_offset = 0;
  uint64_t dirty_bytes = 0;
  uint64_t total_bytes = 0;

  double dirty_ratio() const {
    return total_bytes == 0 ? 0 : static_cast<double>(dirty_bytes) / total_bytes;
  }
  // Where the group of segments starting at `first` ends, as Kafka groups them: consecutive
  // segments whose sizes sum to at most segment.bytes and whose offsets fit the index's 32-bit
  // relative offsets (always at least one segment).
  size_t GroupEnd(size_t first) const {
    const int64_t base = segments[first]->base_offset();
    uint64_t bytes = segments[first]->size();
    size_t end = first + 1;
    while (end < segments.size() &&
           bytes + segments[end]->size() <= static_cast<uint64_t>(config.segment_bytes) &&
           ends[end] - base <= std::numeric_limits<uint32_t>::max()) {
      bytes += segments[end]->size();
      ++end;
    }
    return end;
  }
  // Keeps the segments that end at or before `offset`.
  void EndAt(int64_t offset) {
    size_t n = 0;
    while (n < segments.size() && ends[n] <= offset) ++n;
    segments.resize(n);
    ends.resize(n);
  }
};

// One group of consecutive segments and its cleaned replacement.
struct PartitionLog::CleanedGroup {
  std::vector<std::shared_ptr<Segment>> old_segments;
  int64_t end_offset = 0;
  std::shared_ptr<Segment> output;  // null when nothing of the group is kept
  bool changed = false;
};

std::optional<PartitionLog::CleaningPlan> PartitionLog::PlanCleaning(int64_t now_ms) {
  // A sync in progress may still be saving the index of a segment it took off
  // unsynced_sealed_: wait for it, so no segment is cleaned under its feet.
  std::lock_guard sync_lock(sync_mu_);
  std::lock_guard lock(mu_);
  if (deleted_ || !health_.ok() || !config_.cleanup_compact) return std::nullopt;
  CleaningPlan plan;
  plan.config = config_;
  plan.log_start_offset = log_start_offset_;
  plan.first_dirty_offset = std::max(cleaner_offset(), log_start_offset_);
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    const auto& segment = segments_[i];
    const int64_t end = segments_[i + 1]->base_offset();
    if (end <= log_start_offset_) continue;  // retention's to delete
    bool unsynced = std::find(unsynced_sealed_.begin(), unsynced_sealed_.end(), segment) !=
                    unsynced_sealed_.end();
    if (end > durable_offset_ || unsynced) break;
    const int64_t lag = config_.min_compaction_lag_ms;
    if (lag > 0 && segment->index().max_timestamp() > now_ms - lag) break;
    plan.segments.push_back(segment);
    plan.ends.push_back(end);
    plan.total_bytes += segment->size();
    if (end > plan.first_dirty_offset) plan.dirty_bytes += segment->size();
  }
  if (plan.segments.empty()) return std::nullopt;
  return plan;
}

namespace {

// Whether a record of the dirty section has waited max.compaction.lag.ms: judged by the first
// dirty batch's timestamp, as Kafka judges it by the first dirty segment's.
bool MaxLagPassed(const std::vector<std::shared_ptr<Segment>>& segments,
                  const std::vector<int64_t>& ends, int64_t first_dirty, int64_t max_lag,
                  int64_t now_ms) {
  if (max_lag == kNever) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (ends[i] <= first_dirty) continue;
    BatchScanner scanner(segments[i]->log(), 0, segments[i]->size(), 64 * 1024);
    while (scanner.Next(false) == BatchScanner::Step::kBatch) {
      if (scanner.header().next_offset() <= first_dirty) continue;
      return now_ms - scanner.header().max_timestamp > max_lag;
    }
    return false;
  }
  return false;
}

// Maps the keys of the dirty section; returns where the mapped section ends.
Result<int64_t> MapDirtyKeys(const std::vector<std::shared_ptr<Segment>>& segments,
                             const std::vector<int64_t>& ends, int64_t first_dirty,
                             const TxnFacts& txns, const CleanerLimits& limits, OffsetMap& map,
                             CleaningStats& stats) {
  int64_t mapped_end = first_dirty;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (ends[i] <= first_dirty) continue;
    // Kafka's rule: a segment is mapped whole or not at all, and the first one always.
    if (map.full() && mapped_end > first_dirty) break;
    Status s = ForEachBatch(
        *segments[i], limits, [&](const BatchHeader& header, ByteSpan bytes) -> Status {
          stats.bytes_read += bytes.size();
          if (header.next_offset() <= first_dirty) return Status::OK();
          auto view = RecordBatchView::Parse(bytes);
          if (!view) return view.error();
          if (view->is_control() || (view->is_transactional() &&
                                     txns.IsAborted(view->producer_id(), view->base_offset()))) {
            return Status::OK();
          }
          auto opened = OpenedBatch::Open(*view);
          if (!opened) return opened.error();
          return opened->ForEach([&](const protocol::RecordView& r, ByteSpan) {
            if (r.key) map.Put(*r.key, view->base_offset() + r.offset_delta);
          });
        });
    if (!s.ok()) return Err(s);
    mapped_end = ends[i];
  }
  return mapped_end;
}

// Decides each batch of a group: what of it is kept, and when a kept tombstone or marker
// expires.
class BatchCleaner {
 public:
  BatchCleaner(const OffsetMap& map, const TxnFacts& txns, const LogConfig& config, int64_t now_ms,
               CleaningStats& stats)
      : map_(map),
        txns_(txns),
        horizon_ms_(config.delete_retention_ms > now_ms ? std::numeric_limits<int64_t>::min()
                                                        : now_ms - config.delete_retention_ms),
        retention_ms_(config.delete_retention_ms),
        stats_(stats) {}

  // nullopt: keep the batch as it is. Empty bytes: drop it.
  Result<std::optional<Bytes>> Clean(const RecordBatchView& batch);
  int64_t next_expiry_ms() const { return next_expiry_ms_; }

 private:
  Result<std::optional<Bytes>> CleanMarker(const RecordBatchView& batch);
  void NoteExpiry(int64_t timestamp) {
    if (timestamp <= kNever - retention_ms_) {
      next_expiry_ms_ = std::min(next_expiry_ms_, timestamp + retention_ms_);
    }
  }

  const OffsetMap& map_;
  const TxnFacts& txns_;
  const int64_t horizon_ms_;
  const int64_t retention_ms_;
  CleaningStats& stats_;
  // Producers whose current transaction has a batch kept: its marker must stay too, or the
  // producer state rebuilt from the log would see a transaction that never ends.
  std::unordered_map<int64_t, bool> txn_kept_;
  int64_t next_expiry_ms_ = kNever;
};

Result<std::optional<Bytes>> BatchCleaner::CleanMarker(const RecordBatchView& batch) {
  auto it = txn_kept_.find(batch.producer_id());
  const bool data_kept = it != txn_kept_.end() && it->second;
  if (it != txn_kept_.end()) txn_kept_.erase(it);
  if (!data_kept && batch.max_timestamp() < horizon_ms_) {
    stats_.records_removed += batch.record_count();
    return std::optional<Bytes>(Bytes{});
  }
  if (!data_kept) NoteExpiry(batch.max_timestamp());
  return std::optional<Bytes>();
}

Result<std::optional<Bytes>> BatchCleaner::Clean(const RecordBatchView& batch) {
  stats_.records_read += batch.record_count();
  if (batch.is_control()) return CleanMarker(batch);
  const int64_t producer = batch.producer_id();
  const bool last_of_producer = producer >= 0 && txns_.IsLastBatch(producer, batch.base_offset());
  const bool aborted = batch.is_transactional() && txns_.IsAborted(producer, batch.base_offset());
  auto opened = OpenedBatch::Open(batch);
  if (!opened) return Err(opened.error());
  const bool log_append_time = batch.timestamp_type() == protocol::TimestampType::kLogAppendTime;
  int64_t newest_tombstone = -1;
  auto keep = [&](const protocol::RecordView& record, int64_t offset) {
    if (aborted || !record.key) return false;  // Kafka's cleaner drops keyless records too
    auto newest = map_.Get(*record.key);
    if (newest && offset < *newest) return false;
    if (record.value) return true;
    const int64_t ts =
        log_append_time ? batch.max_timestamp() : batch.base_timestamp() + record.timestamp_delta;
    if (ts < horizon_ms_) return false;
    newest_tombstone = std::max(newest_tombstone, ts);
    return true;
  };
  auto cleaned = FilterBatch(*opened, keep, last_of_producer);
  if (!cleaned) return Err(cleaned.error());
  if (newest_tombstone >= 0) NoteExpiry(newest_tombstone);
  const bool kept_something = !*cleaned || !(*cleaned)->empty();
  if (batch.is_transactional() && kept_something) txn_kept_[producer] = true;
  if (*cleaned) {
    int64_t kept_records = 0;
    if (!(*cleaned)->empty()) {
      kept_records =
          LoadBigEndian<int32_t>((*cleaned)->data() + protocol::batch_header::kRecordCount);
    }
    stats_.records_removed += batch.record_count() - kept_records;
  }
  return cleaned;
}

}  // namespace

Result<std::optional<CleaningStats>> PartitionLog::Compact(int64_t now_ms,
                                                           const CleanerLimits& limits) {
  std::lock_guard clean_lock(clean_mu_);
  std::optional<CleaningPlan> plan = PlanCleaning(now_ms);
  if (!plan) return std::nullopt;
  const LogConfig& config = plan->config;
  const bool dirty_due =
      plan->dirty_bytes > 0 && (plan->dirty_ratio() >= config.min_cleanable_dirty_ratio ||
                                MaxLagPassed(plan->segments, plan->ends, plan->first_dirty_offset,
                                             config.max_compaction_lag_ms, now_ms));
  if (!dirty_due && now_ms < next_cleaning_due_ms_) return std::nullopt;

  // Topic deletion ends the pass too: MarkDeleted() waits for it.
  CleanerLimits pass_limits = limits;
  pass_limits.stopping = [this, &limits] {
    return (limits.stopping && limits.stopping()) || IsDeleted();
  };
  CleaningStats stats;
  stats.dirty_ratio = plan->dirty_ratio();
  stats.first_dirty_offset = plan->first_dirty_offset;
  TxnFacts txns;
  if (Status s = txns.Scan(*this); !s.ok()) return Err(s);
  plan->EndAt(txns.first_unstable_offset());
  if (plan->segments.empty()) return std::nullopt;

  OffsetMap map(limits.offset_map_bytes);
  auto mapped_end = MapDirtyKeys(plan->segments, plan->ends, plan->first_dirty_offset, txns,
                                 pass_limits, map, stats);
  if (!mapped_end) return Err(mapped_end.error());
  const int64_t end = std::max(*mapped_end, plan->first_dirty_offset);
  plan->EndAt(std::max(end, plan->ends.front()));
  stats.end_offset = plan->ends.back();
  // Before any swap: recovery accepts offset gaps only below this, and tells them from data a
  // crash lost that way.
  if (Status s = WriteCompactedBelow(stats.end_offset); !s.ok()) return Err(s);

  BatchCleaner cleaner(map, txns, config, now_ms, stats);
  for (size_t i = 0; i < plan->segments.size();) {
    CleanedGroup group;
    const size_t group_end = plan->GroupEnd(i);
    uint64_t group_bytes = 0;
    const int64_t base = plan->segments[i]->base_offset();
    for (; i < group_end; ++i) {
      group_bytes += plan->segments[i]->size();
      group.old_segments.push_back(plan->segments[i]);
      group.end_offset = plan->ends[i];
    }
    stats.segments_before += group.old_segments.size();
    stats.bytes_before += group_bytes;

    auto output = Segment::CreateCleaned(*env_.fs, dir_, base);
    if (!output) return Err(output.error());
    group.output = *output;
    for (const auto& segment : group.old_segments) {
      Status s = ForEachBatch(
          *segment, pass_limits, [&](const BatchHeader& header, ByteSpan bytes) -> Status {
            stats.bytes_read += bytes.size();
            auto view = RecordBatchView::Parse(bytes);
            if (!view) return view.error();
            auto cleaned = cleaner.Clean(*view);
            if (!cleaned) return cleaned.error();
            if (!*cleaned) {
              return group.output->Append(bytes, header, config.index_interval_bytes);
            }
            group.changed = true;
            if ((*cleaned)->empty()) return Status::OK();
            BatchHeader h = header;
            h.size = static_cast<uint32_t>((*cleaned)->size());
            h.max_timestamp =
                LoadBigEndian<int64_t>((*cleaned)->data() + protocol::batch_header::kMaxTimestamp);
            return group.output->Append(**cleaned, h, config.index_interval_bytes);
          });
      if (!s.ok()) {
        (void)env_.fs->RemoveFile(group.output->log().path());
        return Err(s);
      }
    }
    if (!group.changed) {
      // Nothing to drop here: the old files stay.
      (void)env_.fs->RemoveFile(group.output->log().path());
      stats.segments_after += group.old_segments.size();
      stats.bytes_after += group_bytes;
      continue;
    }
    stats.bytes_written += group.output->size();
    if (limits.throttle) limits.throttle(group.output->size());
    auto committed = CommitCleanedGroup(group);
    if (!committed) return Err(committed.error());
    if (!*committed) return std::nullopt;  // retention or a deletion got there first
    stats.bytes_after += group.output ? group.output->size() : 0;
    stats.segments_after += group.output ? 1 : 0;
  }

  // Only now: a pass that stopped part way must map its dirty keys again next time.
  Status s = WriteFileAtomically(*env_.fs, JoinPath(dir_, format::kCleanerOffsetFileName),
                                 format::EncodeCheckpoint(stats.end_offset), env_.sync);
  if (!s.ok()) return Err(s);
  cleaner_offset_.store(stats.end_offset, std::memory_order_relaxed);
  next_cleaning_due_ms_ = cleaner.next_expiry_ms();
  return std::optional<CleaningStats>(stats);
}

Status PartitionLog::WriteCompactedBelow(int64_t offset) {
  if (offset <= compacted_below_) return Status::OK();
  Status s = WriteFileAtomically(*env_.fs, JoinPath(dir_, format::kCompactedBelowFileName),
                                 format::EncodeCheckpoint(offset), env_.sync);
  if (s.ok()) compacted_below_ = offset;
  return s;
}

// The swap, in an order that a crash at any step leaves recoverable:
//  1. the `.cleaned` file is complete and fsynced;
//  2. the `cleaning` file is written atomically: from here on the swap happens;
//  3. the old segments' files are removed and `.cleaned` is renamed over the first one's .log
//     (FinishCleaningSwap; recovery repeats it from the `cleaning` file);
//  4. the directory is fsynced and `cleaning` removed.
// The in-memory segment list is switched between 3 and 4, under the log's mutex; readers that
// already hold an old segment keep reading its open file.
Result<bool> PartitionLog::CommitCleanedGroup(CleanedGroup& group) {
  FileSystem& fs = *env_.fs;
  const std::string cleaned_path = group.output->log().path();
  if (group.output->empty()) {
    // The log's first segment stays, empty, as in Kafka: the log start offset must not move.
    std::lock_guard lock(mu_);
    if (segments_.front() != group.old_segments.front()) {
      (void)fs.RemoveFile(cleaned_path);
      group.output = nullptr;
    }
  }
  if (group.output && env_.sync) {
    if (Status s = group.output->log().Sync(); !s.ok()) return Err(s);
  }
  format::CleaningSwap swap{group.old_segments.front()->base_offset(), group.end_offset,
                            group.output != nullptr};
  const std::string swap_path = JoinPath(dir_, format::kCleaningFileName);
  if (Status s = WriteFileAtomically(fs, swap_path, format::EncodeCleaningSwap(swap), env_.sync);
      !s.ok()) {
    if (fs.Exists(swap_path)) return Err(FailSwap(s));  // committed, but maybe not durably
    (void)fs.RemoveFile(cleaned_path);
    return Err(s);
  }
  // Held over file removals and renames only, never an fsync: retention runs on the event loop.
  std::unique_lock admin_lock(admin_mu_);
  {
    std::lock_guard lock(mu_);
    auto first = std::find(segments_.begin(), segments_.end(), group.old_segments.front());
    const bool intact = !deleted_ && first != segments_.end() &&
                        static_cast<size_t>(segments_.end() - first) > group.old_segments.size() &&
                        std::equal(group.old_segments.begin(), group.old_segments.end(), first);
    if (!intact) {
      (void)fs.RemoveFile(swap_path);
      (void)fs.RemoveFile(cleaned_path);
      return false;
    }
  }
  Status s = FinishCleaningSwap(fs, dir_, swap);
  std::shared_ptr<Segment> replacement;
  if (s.ok() && swap.has_output) {
    auto reopened = Segment::Open(fs, dir_, swap.base);
    if (!reopened) {
      s = reopened.error();
    } else {
      replacement = *reopened;
      replacement->index() = group.output->index();
      replacement->set_cache_window_start(replacement->size());
    }
  }
  if (!s.ok()) return Err(FailSwap(s));
  {
    std::lock_guard lock(mu_);
    auto first = std::find(segments_.begin(), segments_.end(), group.old_segments.front());
    auto last = first + static_cast<std::ptrdiff_t>(group.old_segments.size());
    for (auto it = first; it != last; ++it) {
      size_bytes_ -= (*it)->size();
      (*it)->MarkRemoved();
    }
    first = segments_.erase(first, last);
    if (replacement) {
      size_bytes_ += replacement->size();
      segments_.insert(first, replacement);
    }
    // Retention may have made a group without output the log's front meanwhile.
    log_start_offset_ = std::max(log_start_offset_, segments_.front()->base_offset());
  }
  admin_lock.unlock();
  if (replacement) (void)replacement->SaveIndex(fs, replacement->index(), env_.sync);
  if (env_.sync) {
    if (Status synced = fs.SyncDir(dir_); !synced.ok()) return Err(FailSwap(synced));
    if (replacement) replacement->log().DropCache(0, replacement->size());
  }
  (void)fs.RemoveFile(swap_path);
  return true;
}

Status PartitionLog::FailSwap(const Status& cause) {
  // Past the commit point the `cleaning` file and the `.cleaned` one must stay as they are for
  // recovery to finish the swap, so nothing more may touch them: no further appends or passes
  // until a restart.
  std::lock_guard lock(mu_);
  health_ = Status::IOError(name_ +
                            ": compaction swap failed, restart to finish it: " + cause.ToString());
  return health_;
}

Status FinishCleaningSwap(FileSystem& fs, const std::string& dir,
                          const format::CleaningSwap& swap) {
  auto names = fs.ListDir(dir);
  if (!names) return names.error();
  const std::string cleaned =
      JoinPath(dir, format::SegmentFileName(swap.base, format::kLogSuffix)) +
      std::string(format::kCleanedSuffix);
  const bool rename_pending = swap.has_output && fs.Exists(cleaned);
  auto doomed = [&](int64_t base, bool is_log) {
    if (base < swap.base || base >= swap.end) return false;
    if (base > swap.base || !swap.has_output) return true;
    // The first segment's .log is replaced by the rename; its stale indexes must go before.
    return rename_pending && !is_log;
  };
  // Later segments' .logs go first and indexes before their .log, as RemoveFiles does.
  for (std::string_view suffix :
       {format::kTimeIndexSuffix, format::kOffsetIndexSuffix, format::kLogSuffix}) {
    for (const std::string& name : *names) {
      auto base = format::ParseSegmentFileName(name, suffix);
      if (!base || !doomed(*base, suffix == format::kLogSuffix)) continue;
      if (Status s = fs.RemoveFile(JoinPath(dir, name)); !s.ok()) return s;
    }
  }
  if (!rename_pending) return Status::OK();
  return fs.Rename(cleaned, JoinPath(dir, format::SegmentFileName(swap.base, format::kLogSuffix)));
}

}  // namespace kpk::broker::storage
