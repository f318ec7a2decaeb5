#include "broker/groups/group_log.h"

#include <fmt/core.h>

namespace kpk::broker::groups {
namespace {

// Creates the log with only its header; the directory entry is made durable too.
Status CreateEmpty(FileSystem& fs, const std::string& path, bool sync) {
  Bytes header = format::EncodeHeader();
  return WriteFileAtomically(fs, path, header, sync);
}

}  // namespace

Result<std::unique_ptr<GroupLog>> GroupLog::Open(
    Options options, const std::function<void(const format::Record&)>& replay) {
  FileSystem& fs = options.fs ? *options.fs : *DefaultFileSystem();
  const std::string dir = JoinPath(options.data_dir, format::kDirName);
  if (Status s = fs.CreateDir(dir); !s.ok()) return Err(s);
  const std::string path = JoinPath(dir, format::kFileName);
  if (!fs.Exists(path)) {
    if (Status s = CreateEmpty(fs, path, options.sync); !s.ok()) return Err(s);
  }
  auto contents = ReadWholeFile(fs, path);
  if (!contents) return Err(contents.error());
  if (!format::ValidHeader(*contents)) {
    if (contents->size() >= format::kHeaderSize) {
      return Err(Status::Corruption(fmt::format("{} is not a kpk group log", path)));
    }
    // A crash while the file was first created: it never held a record.
    if (Status s = CreateEmpty(fs, path, options.sync); !s.ok()) return Err(s);
    contents = Bytes(format::EncodeHeader());
  }
  ByteSpan records = ByteSpan(*contents).subspan(format::kHeaderSize);
  format::ScanResult scan = format::ScanRecords(records, replay);
  auto file = fs.Open(path, OpenMode::kReadWrite);
  if (!file) return Err(file.error());
  const uint64_t end = format::kHeaderSize + scan.valid_bytes;
  std::unique_ptr<GroupLog> log(new GroupLog(std::move(options), path, std::move(*file), end));
  if (scan.torn) {
    log->Warn(fmt::format("{}: dropping {} bytes after the last intact record (torn write)", path,
                          contents->size() - end));
    Status s = log->file_->Truncate(end);
    if (s.ok() && log->options_.sync) s = log->file_->Sync();
    if (!s.ok()) return Err(s);
  }
  if (scan.skipped > 0) {
    log->Warn(fmt::format("{}: skipped {} records of unknown types", path, scan.skipped));
  }
  log->thread_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

GroupLog::GroupLog(Options options, std::string path, std::unique_ptr<File> file,
                   uint64_t end)
    : options_(std::move(options)),
      fs_(options_.fs ? *options_.fs : *DefaultFileSystem()),
      path_(std::move(path)),
      file_(std::move(file)),
      end_(end),
      queued_size_(end) {}

GroupLog::~GroupLog() { Close(); }

void GroupLog::Warn(const std::string& message) const {
  if (options_.warn) {
    options_.warn(message);
  } else {
    fmt::print(stderr, "{}\n", message);
  }
}

void GroupLog::Append(Bytes records, Callback done) {
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      queued_size_ += records.size();
      queue_.push_back(Op{false, std::move(records), std::move(done)});
      work_cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("the group log is closed"));
}

void GroupLog::Rewrite(Bytes snapshot, Callback done) {
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      queued_size_ = format::kHeaderSize + snapshot.size();
      queue_.push_back(Op{true, std::move(snapshot), std::move(done)});
      work_cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("the group log is closed"));
}

uint64_t GroupLog::size() const {
  std::lock_guard lock(mu_);
  return queued_size_;
}

GroupLog::Stats GroupLog::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupLog::Close() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    work_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void GroupLog::Run() {
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

// Writes the batch in order, with one fsync for all its appends (and one per rewrite), and
// then reports to every waiter.
void GroupLog::Process(std::vector<Op>& batch) {
  std::vector<Callback> unsynced;  // written, waiting for the next fsync
  std::vector<std::pair<Callback, Status>> finished;
  uint64_t syncs = 0;
  uint64_t appends = 0;
  uint64_t rewrites = 0;
  auto sync_written = [&] {
    if (unsynced.empty()) return;
    Status s = options_.sync && file_ ? file_->Sync() : Status::OK();
    syncs += options_.sync ? 1 : 0;
    if (!s.ok()) Warn(fmt::format("fsync of {} failed: {}", path_, s.ToString()));
    for (auto& done : unsynced) finished.emplace_back(std::move(done), s);
    unsynced.clear();
  };
  for (Op& op : batch) {
    if (op.rewrite) {
      sync_written();  // earlier appends must not depend on the rename landing
      Status s = DoRewrite(op.data);
      ++rewrites;
      if (!s.ok()) Warn(fmt::format("compacting {} failed: {}", path_, s.ToString()));
      finished.emplace_back(std::move(op.done), s);
      continue;
    }
    Status s = file_ ? file_->WriteAt(end_, op.data)
                     : Status::Unavailable("the group log could not be reopened after compaction");
    if (!s.ok()) {
      // Cut the partial write off, so the records that follow stay readable.
      Warn(fmt::format("write to {} failed: {}", path_, s.ToString()));
      if (file_) (void)file_->Truncate(end_);
      finished.emplace_back(std::move(op.done), s);
      continue;
    }
    end_ += op.data.size();
    ++appends;
    unsynced.push_back(std::move(op.done));
  }
  sync_written();
  {
    std::lock_guard lock(mu_);
    stats_.appends += appends;
    stats_.syncs += syncs;
    stats_.rewrites += rewrites;
  }
  for (auto& [done, status] : finished) {
    if (done) done(status);
  }
}

Status GroupLog::DoRewrite(const Bytes& snapshot) {
  Bytes contents = format::EncodeHeader();
  contents.insert(contents.end(), snapshot.begin(), snapshot.end());
  Status s = WriteFileAtomically(fs_, path_, contents, options_.sync);
  if (!s.ok()) return s;  // the old file is still in place and still open
  auto file = fs_.Open(path_, OpenMode::kReadWrite);
  if (!file) {
    // The new file is complete on disk but cannot be appended to; appending to the old,
    // unlinked one would lose records silently, so later appends fail until a restart.
    file_.reset();
    return file.error();
  }
  file_ = std::move(*file);
  end_ = contents.size();
  return Status::OK();
}

}  // namespace kpk::broker::groups
