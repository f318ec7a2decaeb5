// Trimming a partition log from the front: DeleteRecords and retention by time and size.
#include <algorithm>

#include "broker/storage/log_format.h"
#include "broker/storage/partition_log.h"

namespace kpk::broker::storage {
namespace {

void RemoveSegments(FileSystem& fs, const std::vector<std::shared_ptr<Segment>>& doomed,
                    const std::function<void(std::string_view)>& warn) {
  // Readers may still hold these segments; their open handles keep working after the unlink.
  for (const auto& segment : doomed) {
    Status s = segment->RemoveFiles(fs);
    if (!s.ok()) warn("cannot delete segment: " + s.ToString());
  }
}

}  // namespace

Result<int64_t> PartitionLog::DeleteRecordsBefore(int64_t offset) {
  std::lock_guard admin_lock(admin_mu_);
  {
    std::lock_guard lock(mu_);
    if (deleted_) return Err(Status::NotFound(name_ + " was deleted"));
    int64_t end = segments_.back()->next_offset();
    if (offset > end || offset < 0) {
      return Err(Status::InvalidArgument("offset " + std::to_string(offset) + " is outside [0, " +
                                         std::to_string(end) + "] of " + name_));
    }
    if (offset <= log_start_offset_) return log_start_offset_;
  }
  // Persist first: once a client is told records are deleted they must stay deleted.
  Status s = WriteFileAtomically(*env_.fs, JoinPath(dir_, format::kLogStartOffsetFileName),
                                 format::EncodeCheckpoint(offset), env_.sync);
  if (!s.ok()) return Err(s);
  std::vector<std::shared_ptr<Segment>> doomed;
  int64_t result;
  {
    std::lock_guard lock(mu_);
    log_start_offset_ = std::max(log_start_offset_, offset);
    // Whole segments below the new start go now; the active segment always stays.
    size_t n = 0;
    while (n + 1 < segments_.size() && segments_[n + 1]->base_offset() <= log_start_offset_) ++n;
    for (size_t i = 0; i < n; ++i) size_bytes_ -= segments_[i]->size();
    doomed.assign(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(n));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(n));
    result = log_start_offset_;
  }
  RemoveSegments(*env_.fs, doomed, [this](std::string_view m) { Warn(m); });
  return result;
}

Result<int> PartitionLog::ApplyRetention(int64_t now_ms) {
  std::lock_guard admin_lock(admin_mu_);
  std::vector<std::shared_ptr<Segment>> doomed;
  bool rolled = false;
  {
    std::lock_guard lock(mu_);
    if (deleted_) return 0;
    // A compact-only topic keeps every segment but those below the log start.
    const bool by_time_and_size = config_.cleanup_delete;
    // As Kafka does: delete the longest prefix of segments each of which is wholly below the
    // log start, older than retention.ms, or not needed to keep retention.bytes.
    int64_t excess = config_.retention_bytes >= 0
                         ? static_cast<int64_t>(size_bytes_) - config_.retention_bytes
                         : -1;
    size_t n = 0;
    for (; n < segments_.size(); ++n) {
      const Segment& segment = *segments_[n];
      bool last = n + 1 == segments_.size();
      if (segment.empty() && last) break;
      bool below_start = !last && segments_[n + 1]->base_offset() <= log_start_offset_;
      // Compaction can leave a sealed segment empty; it has no time of its own.
      if (segment.empty() && by_time_and_size) continue;
      int64_t newest = segment.index().max_timestamp();
      // A segment without usable timestamps is never expired by time.
      bool expired = by_time_and_size && config_.retention_ms >= 0 && newest >= 0 &&
                     now_ms - newest > config_.retention_ms;
      bool over_size =
          by_time_and_size && excess >= 0 && excess - static_cast<int64_t>(segment.size()) >= 0;
      if (!below_start && !expired && !over_size) break;
      if (excess >= 0) excess -= segment.size();
    }
    // A corrupt log keeps its active segment: rolling would write past the damage.
    if (n == segments_.size() && !health_.ok()) --n;
    if (n == 0) return 0;
    if (n == segments_.size()) {
      // The active segment goes too: start an empty one at the log end first.
      Status s = RollLocked(now_ms);
      if (!s.ok()) return Err(s);
      rolled = true;
    }
    for (size_t i = 0; i < n; ++i) size_bytes_ -= segments_[i]->size();
    doomed.assign(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(n));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(n));
    log_start_offset_ = std::max(log_start_offset_, segments_.front()->base_offset());
    std::erase_if(unsynced_sealed_, [&doomed](const std::shared_ptr<Segment>& s) {
      return std::find(doomed.begin(), doomed.end(), s) != doomed.end();
    });
  }
  RemoveSegments(*env_.fs, doomed, [this](std::string_view m) { Warn(m); });
  if (rolled && env_.schedule_sync) env_.schedule_sync(shared_from_this());
  return static_cast<int>(doomed.size());
}

}  // namespace kpk::broker::storage
