// Test doubles for storage: a temporary directory that cleans itself up, and a FileSystem that
// wraps the real one to count fsyncs, inject failures (ENOSPC part way through a write, failed
// fsyncs, a failed rename), hold writes to chosen files, and simulate a machine crash by
// dropping what was never synced.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/file_system.h"

namespace kpk::broker::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kpk-storage-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class FaultInjectionFileSystem final : public FileSystem {
 public:
  explicit FaultInjectionFileSystem(FileSystem* base = DefaultFileSystem()) : base_(base) {}

  // Writes may put this many more bytes on disk; the write that crosses the limit puts the
  // bytes that fit and then fails with ENOSPC, as a filling disk does. Negative: unlimited.
  void SetSpaceLeft(int64_t bytes) { space_left_ = bytes; }
  // Every fdatasync (not directory fsyncs) fails with EIO while set.
  void SetFailSync(bool fail) { fail_sync_ = fail; }
  // Every truncate fails with EIO while set.
  void SetFailTruncate(bool fail) { fail_truncate_ = fail; }
  // Every fdatasync takes at least this long, like a slow disk.
  void SetSyncDelay(std::chrono::milliseconds delay) { sync_delay_ms_ = delay.count(); }
  // Writes to files whose path ends with `suffix` wait until ReleaseWrites() (10 s at most).
  void HoldWritesTo(std::string suffix) {
    std::lock_guard lock(mu_);
    held_suffix_ = std::move(suffix);
    holding_ = true;
  }
  void ReleaseWrites() {
    std::lock_guard lock(mu_);
    holding_ = false;
    hold_cv_.notify_all();
  }
  // fdatasyncs of files whose path ends with `suffix` wait until ReleaseSyncs() (10 s at most).
  void HoldSyncsOf(std::string suffix) {
    std::lock_guard lock(mu_);
    held_sync_suffix_ = std::move(suffix);
    holding_syncs_ = true;
  }
  void ReleaseSyncs() {
    std::lock_guard lock(mu_);
    holding_syncs_ = false;
    hold_cv_.notify_all();
  }
  // fdatasyncs waiting in HoldSyncsOf right now.
  int held_syncs_waiting() {
    std::lock_guard lock(mu_);
    return held_syncs_waiting_;
  }
  // Writes so far to files whose path ends with the last HoldWritesTo suffix.
  int held_path_writes() {
    std::lock_guard lock(mu_);
    return held_path_writes_;
  }
  // The next rename of a path containing `fragment` fails, and from then on every mutating call
  // fails too: the process "died" just before the rename.
  void CrashBeforeRenameOf(std::string fragment) {
    std::lock_guard lock(mu_);
    crash_before_rename_ = std::move(fragment);
  }
  // From now on every mutating call fails with EIO (the process is dead), and files lose what
  // was written after their last fdatasync (the page cache died with the machine).
  void CrashMachine();
  bool crashed() const { return crashed_; }

  uint64_t file_syncs() const { return file_syncs_; }
  // Bytes that reads of files returned.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t dir_syncs() const { return dir_syncs_; }
  // "writeback <path>" and "sync <path>" for every File::StartWriteback and fdatasync of a
  // file, in the order they happened.
  std::vector<std::string> sync_events() {
    std::lock_guard lock(mu_);
    return sync_events_;
  }

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  Status CreateDir(const std::string& path) override {
    if (crashed_) return Dead(path);
    return base_->CreateDir(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_->ListDir(path);
  }
  Status RemoveFile(const std::string& path) override {
    if (crashed_) return Dead(path);
    return base_->RemoveFile(path);
  }
  Status RemoveAll(const std::string& path) override {
    if (crashed_) return Dead(path);
    return base_->RemoveAll(path);
  }
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override {
    if (crashed_) return Dead(path);
    ++dir_syncs_;
    return base_->SyncDir(path);
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }

 private:
  friend class FaultFile;
  static Status Dead(const std::string& path) { return Status::FromErrno(EIO, "crashed: " + path); }
  // Called by files: how much of an n-byte write fits.
  size_t Reserve(size_t n);
  void RecordSynced(const std::string& path, uint64_t size);
  void WaitIfHeld(const std::string& path) {
    std::unique_lock lock(mu_);
    if (held_suffix_.empty() || !path.ends_with(held_suffix_)) return;
    hold_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !holding_; });
    ++held_path_writes_;
  }
  void WaitIfSyncHeld(const std::string& path) {
    std::unique_lock lock(mu_);
    if (held_sync_suffix_.empty() || !path.ends_with(held_sync_suffix_)) return;
    ++held_syncs_waiting_;
    hold_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !holding_syncs_; });
    --held_syncs_waiting_;
  }
  void RecordSyncEvent(std::string event) {
    std::lock_guard lock(mu_);
    sync_events_.push_back(std::move(event));
  }

  FileSystem* base_;
  std::atomic<int64_t> space_left_{-1};
  std::atomic<bool> fail_sync_{false};
  std::atomic<int64_t> sync_delay_ms_{0};
  std::atomic<bool> fail_truncate_{false};
  std::atomic<bool> crashed_{false};
  std::atomic<uint64_t> file_syncs_{0};
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<uint64_t> dir_syncs_{0};
  std::mutex mu_;
  std::string crash_before_rename_;
  std::map<std::string, uint64_t> synced_sizes_;  // path -> size at its last fdatasync
  std::vector<std::string> sync_events_;
  std::condition_variable hold_cv_;
  std::string held_suffix_;
  bool holding_ = false;
  int held_path_writes_ = 0;
  std::string held_sync_suffix_;
  bool holding_syncs_ = false;
  int held_syncs_waiting_ = 0;
};

class FaultFile final : public File {
 public:
  FaultFile(FaultInjectionFileSystem* fs, std::unique_ptr<File> base)
      : File(base->path()), fs_(fs), base_(std::move(base)) {}

  Status WriteAt(uint64_t offset, ByteSpan data) override {
    fs_->WaitIfHeld(path());
    if (fs_->crashed_) return FaultInjectionFileSystem::Dead(path());
    size_t fits = fs_->Reserve(data.size());
    if (fits > 0) {
      Status s = base_->WriteAt(offset, data.first(fits));
      if (!s.ok()) return s;
    }
    if (fits < data.size()) return Status::FromErrno(ENOSPC, "write " + path());
    return Status::OK();
  }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    auto n = base_->ReadAt(offset, out);
    if (n) fs_->bytes_read_ += *n;
    return n;
  }
  Status Truncate(uint64_t size) override {
    if (fs_->crashed_) return FaultInjectionFileSystem::Dead(path());
    if (fs_->fail_truncate_) return Status::FromErrno(EIO, "truncate " + path());
    return base_->Truncate(size);
  }
  Status Sync() override {
    fs_->WaitIfSyncHeld(path());
    if (fs_->crashed_) return FaultInjectionFileSystem::Dead(path());
    if (fs_->fail_sync_) return Status::FromErrno(EIO, "fdatasync " + path());
    ++fs_->file_syncs_;
    fs_->RecordSyncEvent("sync " + path());
    if (int64_t ms = fs_->sync_delay_ms_; ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    Status s = base_->Sync();
    if (s.ok()) {
      auto size = base_->Size();
      if (size) fs_->RecordSynced(path(), *size);
    }
    return s;
  }
  void StartWriteback() override {
    if (fs_->crashed_) return;
    fs_->RecordSyncEvent("writeback " + path());
    base_->StartWriteback();
  }
  Result<uint64_t> Size() const override { return base_->Size(); }

 private:
  FaultInjectionFileSystem* fs_;
  std::unique_ptr<File> base_;
};

inline Result<std::unique_ptr<File>> FaultInjectionFileSystem::Open(const std::string& path,
                                                                    OpenMode mode) {
  if (crashed_) return Err(Dead(path));
  bool existed = base_->Exists(path);
  auto file = base_->Open(path, mode);
  if (!file) return Err(file.error());
  {
    std::lock_guard lock(mu_);
    // A file that existed before this process touched it counts as synced as it is.
    if (!existed || mode == OpenMode::kCreateTruncate || mode == OpenMode::kCreateTruncatePrivate) {
      synced_sizes_[path] = 0;
    } else if (!synced_sizes_.contains(path)) {
      auto size = (*file)->Size();
      synced_sizes_[path] = size ? *size : 0;
    }
  }
  return std::unique_ptr<File>(new FaultFile(this, std::move(*file)));
}

inline Status FaultInjectionFileSystem::Rename(const std::string& from, const std::string& to) {
  if (crashed_) return Dead(from);
  {
    std::lock_guard lock(mu_);
    if (!crash_before_rename_.empty() && to.find(crash_before_rename_) != std::string::npos) {
      crashed_ = true;
      return Dead(from);
    }
  }
  Status s = base_->Rename(from, to);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = synced_sizes_.find(from);
    if (it != synced_sizes_.end()) {
      synced_sizes_[to] = it->second;
      synced_sizes_.erase(it);
    }
  }
  return s;
}

inline size_t FaultInjectionFileSystem::Reserve(size_t n) {
  int64_t left = space_left_.load();
  while (left >= 0) {
    int64_t take = std::min<int64_t>(left, static_cast<int64_t>(n));
    if (space_left_.compare_exchange_weak(left, left - take)) return static_cast<size_t>(take);
  }
  return n;
}

inline void FaultInjectionFileSystem::RecordSynced(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  synced_sizes_[path] = size;
}

inline void FaultInjectionFileSystem::CrashMachine() {
  crashed_ = true;
  std::lock_guard lock(mu_);
  for (const auto& [path, synced] : synced_sizes_) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > synced) std::filesystem::resize_file(path, synced, ec);
  }
}

}  // namespace kpk::broker::storage::testing
