#include "broker/storage/state_log.h"

#include <cstdio>
#include <optional>
#include <string>

#include "broker/storage/log_format.h"
#include "common/crc32c.h"

namespace kpk::broker::storage {
namespace {

Bytes EncodeHeader(const StateLog::Options& options) {
  ByteWriter w(StateLog::HeaderSize(options.magic));
  w.WriteBytes(options.magic);
  w.WriteUint16(options.version);
  return w.Take();
}

// False for a file cut inside its header: a crash while it was first created, before it held a
// record (creation is atomic, but without fsync a machine crash can still leave that).
Result<bool> CheckHeader(const StateLog::Options& options, ByteSpan contents) {
  const size_t size = StateLog::HeaderSize(options.magic);
  if (contents.size() < size) return false;
  ByteReader r(contents);
  if (AsChars(r.ReadSpan(options.magic.size())) != options.magic) {
    return Err(Status::Corruption(options.path + " does not start with \"" + options.magic +
                                  "\": not the expected kpk file"));
  }
  if (const uint16_t version = r.ReadUint16(); version != options.version) {
    return Err(Status::Corruption(options.path + " has format version " + std::to_string(version) +
                                  "; this kpk reads " + std::to_string(options.version)));
  }
  return true;
}

// The body of the frame starting at `pos`, or nullopt if it is cut short or fails its CRC.
std::optional<ByteSpan> FrameAt(ByteSpan data, size_t pos) {
  if (data.size() - pos < StateLog::kFrameOverhead) return std::nullopt;
  ByteReader r(data.subspan(pos));
  const uint32_t length = r.ReadUint32();
  const uint32_t crc = r.ReadUint32();
  if (length == 0 || length > StateLog::kMaxRecordBytes || length > r.remaining()) {
    return std::nullopt;
  }
  ByteSpan body = r.ReadSpan(length);
  if (crc32c::Value(body) != crc) return std::nullopt;
  return body;
}

// Where the first intact frame after a bad one at `bad` starts, if any: frames are not aligned,
// so every byte offset is a candidate.
std::optional<size_t> NextIntactFrame(ByteSpan data, size_t bad) {
  for (size_t pos = bad + 1; pos + StateLog::kFrameOverhead < data.size(); ++pos) {
    if (FrameAt(data, pos)) return pos;
  }
  return std::nullopt;
}

// Replays the frames from `pos` on and returns where the intact ones end.
Result<size_t> ReplayFrames(const std::string& path, ByteSpan data, size_t pos,
                            const StateLog::Replay& replay) {
  while (pos < data.size()) {
    auto body = FrameAt(data, pos);
    if (!body) {
      if (auto next = NextIntactFrame(data, pos)) {
        return Err(Status::Corruption(path + ": damaged record at byte " + std::to_string(pos) +
                                      " followed by an intact one at byte " +
                                      std::to_string(*next)));
      }
      return pos;  // a torn tail
    }
    if (Status s = replay(*body); !s.ok()) {
      return Err(Status::Corruption(path + ": record at byte " + std::to_string(pos) +
                                    " does not decode: " + s.message()));
    }
    pos += StateLog::kFrameOverhead + body->size();
  }
  return pos;
}

// Whether `path` holds exactly `contents`: tells whether a failed atomic replace got as far as
// its rename (after which only the directory fsync can have failed).
bool HoldsExactly(FileSystem& fs, const std::string& path, const Bytes& contents) {
  auto now = ReadWholeFile(fs, path);
  return now && *now == contents;
}

}  // namespace

struct StateLog::Batch {
  std::vector<Callback> unsynced;  // written, waiting for the next fsync
  std::vector<std::pair<Callback, Status>> finished;
  Stats counts;
};

void StateLog::AppendRecord(ByteWriter& w, ByteSpan body) {
  const size_t begin = BeginRecord(w);
  w.WriteBytes(body);
  EndRecord(w, begin);
}

size_t StateLog::BeginRecord(ByteWriter& w) {
  const size_t begin = w.size();
  w.WriteUint32(0);  // length and crc, patched by EndRecord
  w.WriteUint32(0);
  return begin;
}

void StateLog::EndRecord(ByteWriter& w, size_t begin) {
  const size_t body_size = w.size() - begin - kFrameOverhead;
  w.PatchInt32(begin, static_cast<int32_t>(body_size));
  const uint32_t crc = crc32c::Value(w.buffer().data() + begin + kFrameOverhead, body_size);
  w.PatchInt32(begin + 4, static_cast<int32_t>(crc));
}

Status StateLog::Create(const Options& options, ByteSpan frames) {
  FileSystem& fs = options.fs ? *options.fs : *DefaultFileSystem();
  Bytes contents = EncodeHeader(options);
  contents.insert(contents.end(), frames.begin(), frames.end());
  return WriteFileAtomically(fs, options.path, contents, options.sync);
}

Result<std::unique_ptr<StateLog>> StateLog::Open(Options options, const Replay& replay) {
  FileSystem& fs = options.fs ? *options.fs : *DefaultFileSystem();
  // A compaction that never reached its rename: the log itself is intact.
  const std::string temp = options.path + std::string(format::kTempSuffix);
  if (fs.Exists(temp)) {
    if (Status s = fs.RemoveFile(temp); !s.ok()) return Err(s);
  }
  if (!fs.Exists(options.path)) {
    if (Status s = Create(options, {}); !s.ok()) return Err(s);
  }
  auto contents = ReadWholeFile(fs, options.path);
  if (!contents) return Err(contents.error());
  auto has_header = CheckHeader(options, *contents);
  if (!has_header) return Err(has_header.error());
  if (!*has_header) {
    if (Status s = Create(options, {}); !s.ok()) return Err(s);
    contents = EncodeHeader(options);
  }
  auto end = ReplayFrames(options.path, *contents, HeaderSize(options.magic), replay);
  if (!end) return Err(end.error());
  auto file = fs.Open(options.path, OpenMode::kReadWrite);
  if (!file) return Err(file.error());
  std::unique_ptr<StateLog> log(new StateLog(std::move(options), fs, std::move(*file), *end));
  if (*end < contents->size()) {
    log->Warn(log->path() + ": dropping " + std::to_string(contents->size() - *end) +
              " bytes after the last intact record (torn write)");
    log->dirty_ = true;
    if (Status s = log->CutFailedWrite(); !s.ok()) return Err(s);
  }
  log->thread_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

StateLog::StateLog(Options options, FileSystem& fs, std::unique_ptr<File> file, uint64_t end)
    : options_(std::move(options)),
      fs_(fs),
      file_(std::move(file)),
      end_(end),
      synced_end_(end),
      queued_size_(end) {}

StateLog::~StateLog() { Close(); }

void StateLog::Warn(const std::string& message) const {
  if (options_.warn) {
    options_.warn(message);
  } else {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
}

void StateLog::Queue(Op op, std::optional<uint64_t> size_after) {
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      queued_size_ = size_after.value_or(queued_size_ + op.data.size());
      queue_.push_back(std::move(op));
      work_cv_.notify_one();
      return;
    }
  }
  if (op.done) op.done(Status::Unavailable(options_.path + " is closed"));
}

void StateLog::Append(Bytes frames, Callback done) {
  Queue(Op{false, std::move(frames), std::move(done)}, std::nullopt);
}

void StateLog::Rewrite(Bytes snapshot, Callback done) {
  const uint64_t size_after = HeaderSize(options_.magic) + snapshot.size();
  Queue(Op{true, std::move(snapshot), std::move(done)}, size_after);
}

uint64_t StateLog::size() const {
  std::lock_guard lock(mu_);
  return queued_size_;
}

StateLog::Stats StateLog::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void StateLog::Close() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    work_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void StateLog::Run() {
  std::vector<Op> batch;
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    batch.swap(queue_);
    lock.unlock();
    Process(batch);
    batch.clear();
    lock.lock();
  }
}

// Writes the ops in order, with one fsync for all the appends between rewrites, and then
// reports to every waiter.
void StateLog::Process(std::vector<Op>& ops) {
  Batch batch;
  for (Op& op : ops) {
    if (!op.rewrite) {
      WriteAppend(op, batch);
      continue;
    }
    SyncWritten(batch);  // earlier appends must not depend on the rename landing
    Status s = DoRewrite(op.data);
    ++batch.counts.rewrites;
    if (!s.ok()) Warn("compacting " + options_.path + " failed: " + s.ToString());
    batch.finished.emplace_back(std::move(op.done), s);
  }
  SyncWritten(batch);
  {
    std::lock_guard lock(mu_);
    stats_.appends += batch.counts.appends;
    stats_.syncs += batch.counts.syncs;
    stats_.rewrites += batch.counts.rewrites;
    stats_.failed_writes += batch.counts.failed_writes;
  }
  for (auto& [done, status] : batch.finished) {
    if (done) done(status);
  }
}

void StateLog::WriteAppend(Op& op, Batch& batch) {
  Status s = file_ ? CutFailedWrite()
                   : Status::Unavailable(options_.path + " could not be reopened after compaction");
  if (s.ok()) s = file_->WriteAt(end_, op.data);
  if (s.ok()) {
    end_ += op.data.size();
    ++batch.counts.appends;
    batch.unsynced.push_back(std::move(op.done));
    return;
  }
  Warn("write to " + options_.path + " failed: " + s.ToString());
  ++batch.counts.failed_writes;
  batch.finished.emplace_back(std::move(op.done), s);
  if (file_) {
    // Cut now, not only before the next write: whole frames of this append may be in the
    // file, and a restart must not read back what its caller was told failed.
    dirty_ = true;
    (void)CutFailedWrite();
  }
}

void StateLog::SyncWritten(Batch& batch) {
  if (batch.unsynced.empty()) return;
  Status s;
  if (options_.sync) {
    s = file_->Sync();
    ++batch.counts.syncs;
  }
  if (s.ok()) {
    synced_end_ = end_;
  } else {
    // The pages may be lost or not: drop the frames, so the file says what the callers hear.
    Warn("fsync of " + options_.path + " failed: " + s.ToString());
    batch.counts.failed_writes += batch.unsynced.size();
    batch.counts.appends -= batch.unsynced.size();
    end_ = synced_end_;
    dirty_ = true;
    (void)CutFailedWrite();
  }
  for (auto& done : batch.unsynced) batch.finished.emplace_back(std::move(done), s);
  batch.unsynced.clear();
}

// Truncates away what a failed write or fsync may have left past end_. Until that succeeds no
// append is written: one behind a broken frame would be unreadable after a restart.
Status StateLog::CutFailedWrite() {
  if (!dirty_) return Status::OK();
  Status s = file_->Truncate(end_);
  if (s.ok() && options_.sync) s = file_->Sync();
  if (!s.ok()) {
    Warn("cannot cut " + options_.path + " back to " + std::to_string(end_) +
         " bytes: " + s.ToString());
    return s;
  }
  dirty_ = false;
  synced_end_ = end_;
  return Status::OK();
}

Status StateLog::DoRewrite(const Bytes& snapshot) {
  Bytes contents = EncodeHeader(options_);
  contents.insert(contents.end(), snapshot.begin(), snapshot.end());
  Status written = WriteFileAtomically(fs_, options_.path, contents, options_.sync);
  if (!written.ok() && !HoldsExactly(fs_, options_.path, contents)) {
    return written;  // the old file is still in place, and still open
  }
  // The new file is in place (if only the directory fsync failed, perhaps not durably).
  auto file = fs_.Open(options_.path, OpenMode::kReadWrite);
  if (!file) {
    // Appending to the old, unlinked file would lose records silently; fail them instead until
    // a restart.
    file_.reset();
    return file.error();
  }
  file_ = std::move(*file);
  end_ = synced_end_ = contents.size();
  dirty_ = false;
  return written;
}

}  // namespace kpk::broker::storage
