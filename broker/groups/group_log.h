// The durable store behind the group coordinator: groups.log (format in group_log_format.h),
// written by one background thread so the event loop never waits on the disk.
//
// The event loop encodes records and queues them with Append; the writer thread takes every
// queued append, writes them, fdatasyncs once (group commit: many OffsetCommits per fsync) and
// then runs their callbacks. Rewrite queues a compaction: a snapshot of everything live, which
// replaces the file atomically and which later appends follow. Because the queue is in order,
// a snapshot always includes the effect of every append queued before it.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/groups/group_log_format.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::groups {

class GroupLog {
 public:
  // Runs on the writer thread (or at once on the caller's, after Close). Must not block.
  using Callback = std::function<void(const Status&)>;

  struct Options {
    FileSystem* fs = nullptr;  // null: the real file system
    std::string data_dir;               // the log lives in <data_dir>/groups/
    bool sync = true;                   // false: never fsync (developer mode)
    std::function<void(std::string_view)> warn;
  };

  // Opens or creates the log, passes every valid record to `replay` in file order, and cuts
  // off a torn tail. Starts the writer thread.
  static Result<std::unique_ptr<GroupLog>> Open(
      Options options, const std::function<void(const format::Record&)>& replay);
  // Close()s.
  ~GroupLog();
  GroupLog(const GroupLog&) = delete;
  GroupLog& operator=(const GroupLog&) = delete;

  // Queues framed records (see format::AppendRecord); `done` runs once they are durable.
  // Thread-safe.
  void Append(Bytes records, Callback done);
  // Queues a compaction: `snapshot` (framed records, no header) replaces the whole file.
  void Rewrite(Bytes snapshot, Callback done);
  // Bytes in the file once everything queued is written; for deciding when to compact.
  uint64_t size() const;
  // Writes everything queued, then stops the thread. Idempotent.
  void Close();

  struct Stats {
    uint64_t appends = 0;
    uint64_t syncs = 0;
    uint64_t rewrites = 0;
  };
  Stats stats() const;

 private:
  struct Op {
    bool rewrite = false;
    Bytes data;
    Callback done;
  };

  GroupLog(Options options, std::string path, std::unique_ptr<File> file, uint64_t end);
  void Run();
  void Process(std::vector<Op>& batch);
  Status DoRewrite(const Bytes& snapshot);
  void Warn(const std::string& message) const;

  Options options_;
  FileSystem& fs_;
  const std::string path_;
  // Owned by the writer thread once it runs.
  std::unique_ptr<File> file_;
  uint64_t end_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::vector<Op> queue_;
  uint64_t queued_size_;  // end_ plus what is queued, or the size after a queued rewrite
  bool stopping_ = false;
  bool stopped_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace kpk::broker::groups
