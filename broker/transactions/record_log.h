// A small durable log of text records (one per line, each prefixed by its CRC32C), for state
// that changes rarely but must survive a crash: transaction states and producer-id blocks.
//
// Appends are made durable by one worker thread that writes and fdatasyncs everything queued
// since its last round (group commit), so the event loop never waits on the disk. On open, the
// valid records are replayed; a torn last line (a crash mid-write) is cut off, while a bad
// record followed by good ones is corruption and is reported.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace kpk::broker::transactions {

class RecordLog {
 public:
  using Callback = std::function<void(const Status&)>;

  // Opens (creating) `path` and returns the records it holds, oldest first. `sync` false skips
  // fdatasync (developer mode).
  static Result<std::unique_ptr<RecordLog>> Open(const std::string& path, bool sync,
                                                 std::vector<std::string>* records);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  // Queues a record (no newlines); `done` runs on the worker thread once it is durable.
  void Append(std::string record, Callback done);
  // Replaces the whole log with `records` atomically (compaction). Waits for queued appends.
  Status Rewrite(const std::vector<std::string>& records);
  size_t records_written() const;

 private:
  RecordLog(std::string path, int fd, bool sync, size_t existing);
  void Run();

  const std::string path_;
  int fd_;
  const bool sync_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::vector<std::pair<std::string, Callback>> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  size_t records_written_;
  std::thread thread_;
};

// Frames a record as it is stored: "<crc32c as 8 hex digits> <record>\n".
std::string FrameRecord(const std::string& record);

}  // namespace kpk::broker::transactions
