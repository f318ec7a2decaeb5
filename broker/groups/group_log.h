// The durable store behind the group coordinator: <data>/groups/groups.log, a StateLog (see
// broker/storage/state_log.h) of the records in group_log_format.h. This wrapper names the file,
// decodes records on replay and keeps the coordinator's view of the log; the writing (one
// writer thread, group commit, compaction by atomic replace) is the StateLog's.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "broker/groups/group_log_format.h"
#include "broker/storage/state_log.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::groups {

class GroupLog {
 public:
  using Callback = storage::StateLog::Callback;
  using Stats = storage::StateLog::Stats;

  struct Options {
    FileSystem* fs = nullptr;  // null: the real file system
    std::string data_dir;      // the log lives in <data_dir>/groups/
    bool sync = true;          // false: never fsync (developer mode)
    std::function<void(std::string_view)> warn;
  };

  // Opens or creates the log, passes every valid record to `replay` in file order, and cuts
  // off a torn tail. Records of types from a newer kpk are skipped with a warning.
  static Result<std::unique_ptr<GroupLog>> Open(
      Options options, const std::function<void(const format::Record&)>& replay);

  // Queues framed records (see format::AppendRecord); `done` runs once they are durable.
  // Thread-safe.
  void Append(Bytes records, Callback done) { log_->Append(std::move(records), std::move(done)); }
  // Queues a compaction: `snapshot` (framed records, no header) replaces the whole file.
  void Rewrite(Bytes snapshot, Callback done) {
    log_->Rewrite(std::move(snapshot), std::move(done));
  }
  // Bytes in the file once everything queued is written; for deciding when to compact.
  uint64_t size() const { return log_->size(); }
  // Writes everything queued, then stops the writer thread. Idempotent.
  void Close() { log_->Close(); }
  Stats stats() const { return log_->stats(); }

 private:
  explicit GroupLog(std::unique_ptr<storage::StateLog> log) : log_(std::move(log)) {}

  std::unique_ptr<storage::StateLog> log_;
};

}  // namespace kpk::broker::groups
