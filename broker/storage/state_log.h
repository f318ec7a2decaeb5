// A durable log of small opaque records, for broker state that changes rarely and must survive a
// crash: committed offsets and group metadata (groups.log), transaction states and producer-id
// blocks (transactions.state). The users own their record encodings; this class owns the file.
//
//   file    := header frame*
//   header  := magic (chosen by the user, e.g. "KPKGRP") | format version u16
//   frame   := body_length u32 | crc32c(body) u32 | body        (big-endian, body_length > 0)
//
// One writer thread does all the I/O, so callers (the event loop) never wait on the disk.
// Append queues frames; the writer takes everything queued, writes it, fdatasyncs once (group
// commit) and then runs the callbacks. Rewrite queues a compaction: the given frames replace the
// whole file atomically (tmp file, fsync, rename, fsync of the directory) and later appends
// follow them. The queue is in order, so a snapshot taken after some appends were queued is
// written after them.
//
// Failed writes do not poison the file: after a write fails part way (ENOSPC, a short write) or
// an fdatasync fails, the writer cuts the file back to the end of the last good frame before it
// writes anything else, so the failed frames (whose callbacks got the error) are not read back
// and a later good append is.
//
// Open replays every intact frame in order. A frame cut short or failing its CRC is a torn write
// if nothing valid follows it: the tail is cut off. If a valid frame does follow (found by trying
// every later byte offset as a frame start), the damage is in the middle of the log, and Open
// fails with a Corruption naming the file and both offsets rather than drop records silently. A
// random tail passing as a frame needs a 32-bit CRC match, so a torn tail is not mistaken for
// corruption in practice; the scan is quadratic only over the damaged tail, which is small.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::storage {

class StateLog {
 public:
  // Runs on the writer thread (or at once on the caller's, after Close). Must not block.
  using Callback = std::function<void(const Status&)>;
  // Gets each intact record body in file order; an error fails Open (the record is corrupt).
  using Replay = std::function<Status(ByteSpan body)>;

  static constexpr size_t kFrameOverhead = 8;  // body length + crc
  // A length above this is not a record: the length field itself is torn or corrupt.
  static constexpr uint32_t kMaxRecordBytes = 64 * 1024 * 1024;

  struct Options {
    FileSystem* fs = nullptr;  // null: the real file system
    std::string path;
    std::string magic;  // identifies the file's user; a file with another magic is refused
    uint16_t version = 1;
    bool sync = true;                            // false: never fsync (developer mode)
    std::function<void(std::string_view)> warn;  // null: stderr
  };

  // Opens or creates the log (and removes a compaction's leftover temporary file), passes every
  // intact record to `replay`, cuts off a torn tail and starts the writer thread.
  static Result<std::unique_ptr<StateLog>> Open(Options options, const Replay& replay);
  // Creates (or replaces) the log at options.path holding `frames`, atomically, without opening
  // it: fills a new log from another source (a migration) so a crash leaves all or nothing.
  static Status Create(const Options& options, ByteSpan frames);
  // Close()s.
  ~StateLog();
  StateLog(const StateLog&) = delete;
  StateLog& operator=(const StateLog&) = delete;

  // Framing, for building what Append and Rewrite take. A record is either appended whole or
  // written in place: BeginRecord, the body straight into `w`, then EndRecord.
  static void AppendRecord(ByteWriter& w, ByteSpan body);
  static size_t BeginRecord(ByteWriter& w);
  static void EndRecord(ByteWriter& w, size_t begin);
  static size_t HeaderSize(std::string_view magic) { return magic.size() + sizeof(uint16_t); }

  // Queues framed records; `done` runs once they are durable, or with the error that stopped
  // them (then none of them is in the file). Thread-safe.
  void Append(Bytes frames, Callback done);
  // Queues a compaction: `snapshot` (framed records, no header) replaces the whole file.
  // Thread-safe.
  void Rewrite(Bytes snapshot, Callback done);
  // Bytes in the file once everything queued is written; for deciding when to compact.
  uint64_t size() const;
  // Writes everything queued, then stops the thread. Idempotent.
  void Close();
  const std::string& path() const { return options_.path; }

  struct Stats {
    uint64_t appends = 0;  // Append calls written
    uint64_t syncs = 0;
    uint64_t rewrites = 0;
    uint64_t failed_writes = 0;  // appends whose write or fdatasync failed
  };
  Stats stats() const;

 private:
  struct Op {
    bool rewrite = false;
    Bytes data;
    Callback done;
  };
  struct Batch;

  StateLog(Options options, FileSystem& fs, std::unique_ptr<File> file, uint64_t end);
  void Run();
  void Process(std::vector<Op>& batch);
  void WriteAppend(Op& op, Batch& batch);
  void SyncWritten(Batch& batch);
  Status CutFailedWrite();
  Status DoRewrite(const Bytes& snapshot);
  // size_after: the file's size once a rewrite is done; nullopt for an append, which adds.
  void Queue(Op op, std::optional<uint64_t> size_after);
  void Warn(const std::string& message) const;

  const Options options_;
  FileSystem& fs_;
  // Owned by the writer thread once it runs.
  std::unique_ptr<File> file_;
  uint64_t end_;         // end of the last frame written whole
  uint64_t synced_end_;  // end of the last frame known durable (or written, without sync)
  bool dirty_ = false;   // bytes past end_ from a failed write may be in the file

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::vector<Op> queue_;
  uint64_t queued_size_;  // end_ plus what is queued, or the size after a queued rewrite
  bool stopping_ = false;
  bool stopped_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace kpk::broker::storage
