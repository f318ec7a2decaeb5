#include "broker/storage/partition_log.h"

#include <algorithm>
#include <limits>

#include "broker/protocol/record_batch.h"
#include "broker/storage/compacted_batch.h"
#include "broker/storage/log_format.h"

namespace kpk::broker::storage {

using protocol::RecordBatchView;

PartitionLog::PartitionLog(std::string dir, std::string name, const LogConfig& config, LogEnv env)
    : dir_(std::move(dir)), name_(std::move(name)), env_(std::move(env)), config_(config) {}

PartitionLog::~PartitionLog() = default;

Result<AppendResult> PartitionLog::Append(std::span<uint8_t> batch, int64_t now_ms) {
  auto view = RecordBatchView::Parse(batch);
  if (!view) return Err(Status::InvalidArgument(view.error().message()));
  if (view->last_offset_delta() < 0) {
    return Err(Status::InvalidArgument("record batch has a negative last offset delta"));
  }
  std::unique_lock lock(mu_);
  if (deleted_) return Err(Status::NotFound(name_ + " was deleted"));
  if (!health_.ok()) return Err(health_);
  if (static_cast<int64_t>(batch.size()) > config_.segment_bytes) {
    return Err(Status::InvalidArgument("record batch of " + std::to_string(batch.size()) +
                                       " bytes is larger than segment.bytes"));
  }
  bool rolled = false;
  if (ShouldRollLocked(*view, now_ms)) {
    Status s = RollLocked(now_ms);
    if (!s.ok()) return Err(s);
    rolled = true;
  }
  Segment& active = *segments_.back();
  AppendResult result;
  result.base_offset = active.next_offset();
  result.last_offset = result.base_offset + view->last_offset_delta();
  protocol::SetBaseOffset(batch, result.base_offset);
  protocol::SetPartitionLeaderEpoch(batch, kLeaderEpoch);
  if (config_.timestamp_type == protocol::TimestampType::kLogAppendTime) {
    protocol::SetLogAppendTime(batch, now_ms);
    result.log_append_time_ms = now_ms;
  }
  if (active.empty()) active.set_roll_clock_ms(now_ms);
  BatchHeader header;
  header.size = static_cast<uint32_t>(batch.size());
  header.base_offset = result.base_offset;
  header.last_offset_delta = view->last_offset_delta();
  header.max_timestamp = view->max_timestamp();
  Status s = active.Append(batch, header, config_.index_interval_bytes);
  if (!s.ok()) return Err(s);
  size_bytes_ += batch.size();
  lock.unlock();
  if (rolled && env_.schedule_sync) env_.schedule_sync(shared_from_this());
  return result;
}

bool PartitionLog::ShouldRollLocked(const RecordBatchView& batch, int64_t now_ms) const {
  const Segment& active = *segments_.back();
  if (active.empty()) return false;
  if (static_cast<int64_t>(active.size() + batch.size()) > config_.segment_bytes) return true;
  // A compacted topic's records must reach a sealed segment within max.compaction.lag.ms.
  const int64_t max_age = config_.cleanup_compact
                              ? std::min(config_.segment_ms, config_.max_compaction_lag_ms)
                              : config_.segment_ms;
  if (now_ms - active.roll_clock_ms() >= max_age) return true;
  // Index entries hold offsets relative to the segment base in 32 bits.
  int64_t next_relative =
      active.next_offset() + batch.last_offset_delta() + 1 - active.base_offset();
  return next_relative > std::numeric_limits<uint32_t>::max();
}

Status PartitionLog::RollLocked(int64_t now_ms) {
  if (segments_.back()->empty()) return Status::OK();
  auto segment = Segment::Create(*env_.fs, dir_, segments_.back()->next_offset());
  if (!segment) return segment.error();
  (*segment)->set_roll_clock_ms(now_ms);
  unsynced_sealed_.push_back(segments_.back());
  segments_.push_back(std::move(*segment));
  dir_dirty_ = true;
  return Status::OK();
}

Status PartitionLog::Roll(int64_t now_ms) {
  std::unique_lock lock(mu_);
  if (deleted_) return Status::NotFound(name_ + " was deleted");
  if (segments_.back()->empty()) return Status::OK();
  Status s = RollLocked(now_ms);
  lock.unlock();
  if (s.ok() && env_.schedule_sync) env_.schedule_sync(shared_from_this());
  return s;
}

std::shared_ptr<Segment> PartitionLog::SegmentForOffsetLocked(int64_t offset) const {
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), offset,
      [](int64_t o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
  if (it != segments_.begin()) --it;
  // An offset compaction removed from the end of a segment is read from the next one.
  while (offset >= (*it)->next_offset() && std::next(it) != segments_.end()) ++it;
  return *it;
}

Result<ReadResult> PartitionLog::Read(int64_t offset, size_t max_bytes, ReadAs as,
                                      bool oversize_first) const {
  if (Status offline = unservable(); !offline.ok()) return Err(offline);
  auto read = ReadServable(offset, max_bytes, as, oversize_first);
  if (!read && read.error().code() == Status::Code::kCorruption) MarkCorrupt(read.error());
  return read;
}

void PartitionLog::MarkCorrupt(const Status& corruption) const {
  {
    std::lock_guard lock(mu_);
    if (health_.code() == Status::Code::kCorruption) return;
    health_ = corruption;
  }
  Warn("CORRUPTION found by a read: " + corruption.message() +
       "; the partition is offline, keeping every byte");
}

Result<ReadResult> PartitionLog::ReadServable(int64_t offset, size_t max_bytes, ReadAs as,
                                              bool oversize_first) const {
  ReadResult result;
  result.next_offset = offset;
  std::shared_ptr<Segment> segment;
  uint64_t start = 0;
  uint64_t end = 0;
  int64_t end_offset = 0;
  {
    std::lock_guard lock(mu_);
    result.high_watermark = segments_.back()->next_offset();
    result.log_start_offset = log_start_offset_;
    if (offset < log_start_offset_ || offset > result.high_watermark) {
      return Err(Status::NotFound("offset " + std::to_string(offset) + " is outside [" +
                                  std::to_string(log_start_offset_) + ", " +
                                  std::to_string(result.high_watermark) + "] of " + name_));
    }
    if (offset == result.high_watermark) return result;
    segment = SegmentForOffsetLocked(offset);
    start = segment->index().LookupOffset(offset);
    end = segment->size();
    end_offset = segment->next_offset();
  }
  auto batch = FindBatchByOffset(segment->log(), start, end, offset);
  if (!batch) return Err(batch.error());
  if (!*batch) return result;
  const BatchHeader& first = **batch;
  if (!oversize_first && first.size > max_bytes) return result;
  if (as == ReadAs::kFileRangeIfLarge && segment->log().native_fd() >= 0) {
    // KIP-74: the first batch whole, then as far as a known boundary within max_bytes.
    uint64_t range_end = first.position + first.size;
    int64_t next = first.next_offset();
    const uint64_t limit = first.position + std::min<uint64_t>(max_bytes, end - first.position);
    if (limit == end) {
      range_end = end;
      next = end_offset;
    } else if (limit > range_end) {
      std::lock_guard lock(mu_);
      if (const auto* point = segment->index().LastPointIn(range_end - 1, limit)) {
        range_end = point->position;
        next = segment->base_offset() + point->relative_offset;
      }
    }
    if (range_end - first.position >= kMinFileRangeBytes) {
      result.file = {segment->log().native_fd(), first.position,
                     static_cast<size_t>(range_end - first.position)};
      result.file_owner = segment;
      result.next_offset = next;
      return result;
    }
  }
  auto bytes = ReadBatches(segment->log(), first.position, end, max_bytes);
  if (!bytes) return Err(bytes.error());
  result.records = std::move(*bytes);
  result.next_offset = ScanWholeBatches(result.records, offset).next_offset;
  return result;
}

Status PartitionLog::ScanBatches(
    const std::function<bool(const BatchHeader&)>& want_whole,
    const std::function<Status(ByteSpan bytes, bool whole)>& visit) const {
  std::vector<SegmentRange> ranges;
  int64_t start_offset;
  {
    std::lock_guard lock(mu_);
    start_offset = log_start_offset_;
    for (const auto& segment : segments_) {
      if (segment->empty() || segment->next_offset() <= start_offset) continue;
      ranges.push_back({segment, segment->index().LookupOffset(start_offset), segment->size()});
    }
  }
  // Big enough for a run of small batches, small next to a large one.
  constexpr size_t kHeaderChunk = 16 * 1024;
  for (const SegmentRange& r : ranges) {
    BatchScanner scanner(r.segment->log(), r.start, r.end, kHeaderChunk);
    while (true) {
      const BatchScanner::Step step = scanner.Next(false);
      if (step == BatchScanner::Step::kEnd) break;
      if (step != BatchScanner::Step::kBatch) return scanner.failure();
      const BatchHeader& header = scanner.header();
      if (header.next_offset() <= start_offset) continue;
      Status s;
      if (want_whole(header)) {
        auto whole = ReadBatch(r.segment->log(), header);
        if (!whole) return whole.error();
        if (whole->size() != header.size) {
          return Status::Corruption("short read of a batch in " + name_);
        }
        s = visit(*whole, true);
      } else {
        s = visit(scanner.header_bytes(), false);
      }
      if (!s.ok()) return s;
    }
  }
  return Status::OK();
}

namespace {

// Narrows a batch-level answer to the first record with timestamp >= `timestamp` (or, with
// `exact`, == it) at or after min_offset. Compressed batches are decompressed for it, as Kafka's
// FileRecords.searchForTimestamp does: producers batch and compress records whose timestamps
// differ, and the answer is a record, not its batch. In a LogAppendTime batch every record has
// the batch's timestamp, so its first usable offset is the answer (also when a batch cannot be
// read as records).
Result<TimestampAndOffset> NarrowToRecord(const File& file, const BatchHeader& batch,
                                          int64_t timestamp, int64_t min_offset, bool exact) {
  TimestampAndOffset coarse{batch.max_timestamp, std::max(batch.base_offset, min_offset)};
  bool log_append_time = batch.attributes & protocol::batch_attributes::kLogAppendTime;
  if (log_append_time) return coarse;
  auto bytes = ReadBatch(file, batch);
  if (!bytes) return Err(bytes.error());
  auto stored = RecordBatchView::Parse(*bytes);
  if (!stored) return coarse;
  auto opened = OpenedBatch::Open(*stored);
  if (!opened) return coarse;
  const RecordBatchView* view = &opened->plain();
  protocol::RecordIterator it(*view);
  protocol::RecordView record;
  while (it.Next(&record)) {
    int64_t offset = batch.base_offset + record.offset_delta;
    int64_t ts = view->base_timestamp() + record.timestamp_delta;
    if (offset >= min_offset && (exact ? ts == timestamp : ts >= timestamp)) {
      return TimestampAndOffset{ts, offset};
    }
  }
  return coarse;
}

}  // namespace

Result<std::optional<TimestampAndOffset>> PartitionLog::OffsetForTimestamp(
    int64_t timestamp) const {
  std::vector<SegmentRange> candidates;
  int64_t min_offset;
  {
    std::lock_guard lock(mu_);
    min_offset = log_start_offset_;
    for (const auto& segment : segments_) {
      if (segment->empty() || segment->index().max_timestamp() < timestamp) continue;
      if (segment->next_offset() <= min_offset) continue;
      candidates.push_back({segment, segment->index().LookupTimestamp(timestamp), segment->size()});
    }
  }
  for (const SegmentRange& c : candidates) {
    auto batch = FindBatchByTimestamp(c.segment->log(), c.start, c.end, timestamp, min_offset);
    if (!batch) return Err(batch.error());
    if (!*batch) continue;
    auto found = NarrowToRecord(c.segment->log(), **batch, timestamp, min_offset, false);
    if (!found) return Err(found.error());
    return std::optional<TimestampAndOffset>(*found);
  }
  return std::optional<TimestampAndOffset>();
}

Result<std::optional<TimestampAndOffset>> PartitionLog::MaxTimestamp() const {
  std::shared_ptr<Segment> best;
  uint64_t start = 0;
  uint64_t end = 0;
  int64_t min_offset;
  int64_t max_ts;
  int64_t offset;
  {
    std::lock_guard lock(mu_);
    min_offset = log_start_offset_;
    for (const auto& segment : segments_) {
      if (segment->empty() || segment->next_offset() <= min_offset) continue;
      if (!best || segment->index().max_timestamp() > best->index().max_timestamp()) {
        best = segment;
      }
    }
    if (!best) return std::optional<TimestampAndOffset>();
    max_ts = best->index().max_timestamp();
    offset = best->index().offset_of_max_timestamp();
    start = best->index().LookupOffset(offset);
    end = best->size();
  }
  auto batch = FindBatchByOffset(best->log(), start, end, offset);
  if (!batch) return Err(batch.error());
  if (!*batch) return std::optional<TimestampAndOffset>(TimestampAndOffset{max_ts, offset});
  auto found = NarrowToRecord(best->log(), **batch, (*batch)->max_timestamp, min_offset, true);
  if (!found) return Err(found.error());
  return std::optional<TimestampAndOffset>(*found);
}

Status PartitionLog::Sync() {
  Status s = SyncData();
  TidyAfterSync();
  return s;
}

Status PartitionLog::SyncData() {
  std::lock_guard sync_lock(sync_mu_);
  std::vector<std::shared_ptr<Segment>> sealed;
  std::shared_ptr<Segment> active;
  int64_t target;
  uint64_t active_size;
  bool sync_dir;
  {
    std::lock_guard lock(mu_);
    if (deleted_) return Status::NotFound(name_ + " was deleted");
    if (health_.code() == Status::Code::kIOError) return health_;
    target = segments_.back()->next_offset();
    if (target == durable_offset_ && unsynced_sealed_.empty() && !dir_dirty_) return Status::OK();
    sealed.swap(unsynced_sealed_);
    active = segments_.back();
    active_size = active->size();
    sync_dir = dir_dirty_;
    dir_dirty_ = false;
  }
  Status s;
  for (const auto& segment : sealed) {
    if (segment->removed()) continue;
    if (env_.sync) s = segment->log().Sync();
    if (!s.ok()) break;
    // A sealed segment never changes, so its index can be saved without the log mutex. Losing
    // it costs only a rebuild at the next open.
    Status saved = segment->SaveIndex(*env_.fs, segment->index(), env_.sync);
    if (!saved.ok())
      Warn("cannot save the index of " + segment->FilePath(format::kLogSuffix) + ": " +
           saved.ToString());
  }
  if (s.ok() && env_.sync) s = active->log().Sync();
  if (s.ok() && sync_dir && env_.sync) s = env_.fs->SyncDir(dir_);
  {
    std::lock_guard lock(mu_);
    if (s.ok()) {
      durable_offset_ = std::max(durable_offset_, target);
    } else {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since
      // the last good sync can be trusted to be on disk, so stop accepting writes.
      health_ = Status::IOError(name_ + ": " + s.message());
      unsynced_sealed_.insert(unsynced_sealed_.begin(), sealed.begin(), sealed.end());
      dir_dirty_ = dir_dirty_ || sync_dir;
    }
  }
  if (!s.ok()) {
    Warn("fsync failed, refusing further appends until restart: " + s.ToString());
    return health();
  }
  if (env_.sync) tidy_ = {target, std::move(active), active_size};
  return Status::OK();
}

void PartitionLog::StartWriteback() {
  std::vector<std::shared_ptr<Segment>> segments;
  {
    std::lock_guard lock(mu_);
    if (deleted_ || !env_.sync) return;
    segments = unsynced_sealed_;
    segments.push_back(segments_.back());
  }
  for (const auto& segment : segments) {
    if (!segment->removed()) segment->log().StartWriteback();
  }
}

void PartitionLog::TidyAfterSync() {
  std::lock_guard sync_lock(sync_mu_);
  if (!tidy_.active) return;
  (void)WriteRecoveryPoint(tidy_.durable_offset);
  // A compacted log's dirty section is read twice by the cleaner soon after, which then deletes
  // it: its pages stay cached until then instead of being read back from the disk.
  bool compacted;
  {
    std::lock_guard lock(mu_);
    compacted = config_.cleanup_compact;
  }
  if (env_.page_cache_tail_bytes >= 0 && !compacted) {
    DropColdPages(tidy_.active, tidy_.active_size);
  }
  tidy_ = {};
}

void PartitionLog::DropColdPages(const std::shared_ptr<Segment>& active, uint64_t durable_size) {
  constexpr uint64_t kPage = 4096;
  // Newest first: `active` and the segments before it whose window is still open. Segments
  // rolled since the sync are not durable yet.
  std::vector<std::shared_ptr<Segment>> open;
  {
    std::lock_guard lock(mu_);
    auto it = std::find(segments_.rbegin(), segments_.rend(), active);
    for (; it != segments_.rend(); ++it) {
      const auto& segment = *it;
      if (segment != active && segment->cache_window_start() >= segment->size()) break;
      open.push_back(segment);
    }
  }
  uint64_t keep = static_cast<uint64_t>(env_.page_cache_tail_bytes);
  for (const auto& segment : open) {
    const uint64_t end = segment == active ? durable_size : segment->size();
    const uint64_t kept_here = std::min(keep, end);
    keep -= kept_here;
    // Sealed and wholly outside the window: the partial last page goes too.
    const uint64_t drop_to =
        kept_here == 0 && segment != active ? end : (end - kept_here) / kPage * kPage;
    const uint64_t from = segment->cache_window_start();
    if (drop_to <= from || segment->removed()) continue;
    segment->log().DropCache(from, drop_to - from);
    segment->set_cache_window_start(drop_to);
  }
}

Status PartitionLog::WriteRecoveryPoint(int64_t offset) {
  // Needs no fsync and no atomic rename: a stale or torn checkpoint only makes the next open
  // check more of the log. It must just never get ahead of the data, hence after the sync.
  if (offset == recovery_point_written_ || !recovery_point_file_) return Status::OK();
  Status s = recovery_point_file_->WriteAt(0, format::EncodeCheckpoint(offset));
  if (s.ok()) {
    recovery_point_written_ = offset;
  } else {
    Warn("cannot write the recovery point: " + s.ToString());
  }
  return s;
}

Status PartitionLog::Close() {
  Status s = Sync();
  if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
  std::lock_guard sync_lock(sync_mu_);
  std::shared_ptr<Segment> active;
  SegmentIndex index(0);
  bool durable;
  {
    std::lock_guard lock(mu_);
    if (deleted_) return Status::OK();
    active = segments_.back();
    index = active->index();
    durable = index.next_offset() <= durable_offset_;
  }
  // A saved index lets the next open skip scanning the active segment. It must never describe
  // more than is durable, so if appends slipped in after Sync() it is not saved.
  if (!durable) return Status::OK();
  s = active->SaveIndex(*env_.fs, index, env_.sync);
  if (!s.ok()) Warn("cannot save the active segment's index: " + s.ToString());
  s = WriteRecoveryPoint(index.next_offset());
  if (s.ok() && env_.sync && recovery_point_file_) s = recovery_point_file_->Sync();
  return s;
}

int64_t PartitionLog::log_start_offset() const {
  std::lock_guard lock(mu_);
  return log_start_offset_;
}

int64_t PartitionLog::log_end_offset() const {
  std::lock_guard lock(mu_);
  return segments_.back()->next_offset();
}

int64_t PartitionLog::durable_offset() const {
  std::lock_guard lock(mu_);
  return durable_offset_;
}

uint64_t PartitionLog::size_bytes() const {
  std::lock_guard lock(mu_);
  return size_bytes_;
}

size_t PartitionLog::segment_count() const {
  std::lock_guard lock(mu_);
  return segments_.size();
}

Status PartitionLog::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

Status PartitionLog::unservable() const {
  std::lock_guard lock(mu_);
  return health_.code() == Status::Code::kCorruption ? health_ : Status::OK();
}

LogConfig PartitionLog::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

void PartitionLog::SetConfig(const LogConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
}

void PartitionLog::MarkDeleted() {
  {
    std::lock_guard lock(mu_);
    deleted_ = true;
  }
  std::lock_guard wait_for_cleaner(clean_mu_);
}

bool PartitionLog::IsDeleted() const {
  std::lock_guard lock(mu_);
  return deleted_;
}

}  // namespace kpk::broker::storage
