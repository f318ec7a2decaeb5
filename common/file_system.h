// The seam between storage and the operating system. Storage does all of its file and directory
// work through FileSystem and File so tests can wrap the real implementation and inject
// failures (ENOSPC, short writes, failed fsyncs) or stop at a simulated crash point.
//
// Paths are plain strings joined with '/'. Every operation reports failure as a Status built
// with Status::FromErrno, so ENOSPC and EDQUOT arrive as kNoSpace.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace kpk {

// An open file. Positional reads and writes only, so one File may be read by several threads
// while one thread writes it and another syncs it; no call changes a shared file position.
class File {
 public:
  virtual ~File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Writes all of `data` at `offset`, retrying short writes. On failure a prefix of `data` may
  // have been written; the caller decides whether to truncate it away.
  virtual Status WriteAt(uint64_t offset, ByteSpan data) = 0;
  // Reads up to out.size() bytes at `offset` and returns how many were read; fewer only at the
  // end of the file.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
  virtual Status Truncate(uint64_t size) = 0;
  // fdatasync: the file's data (and the size needed to read it back) reach the disk.
  virtual Status Sync() = 0;
  // Starts writing the file's dirty data to disk without waiting for it (a hint: Sync() still
  // waits, and reports any failure). Lets one thread have many files written at once.
  virtual void StartWriteback() {}
  virtual Result<uint64_t> Size() const = 0;
  // Tells the kernel that [offset, offset + size) of the file, already durable, need not stay
  // in the page cache. Pages only partly in the range stay. A hint: nothing can fail.
  virtual void DropCache(uint64_t offset, uint64_t size) { (void)offset, (void)size; }
  // The descriptor to hand to sendfile, or -1 where there is none (a test's wrapper, whose
  // faults only show through ReadAt): readers then copy.
  virtual int native_fd() const { return -1; }

  const std::string& path() const { return path_; }

 protected:
  explicit File(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

enum class OpenMode {
  kReadWrite,              // the file must exist
  kCreate,                 // create it if missing, keep its contents otherwise
  kCreateTruncate,         // create it, or empty it if it exists
  kCreateTruncatePrivate,  // as kCreateTruncate, readable by its owner only (secrets)
};

// Thread-safe. Implementations are long-lived; storage keeps a plain pointer to one.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  // Creates one directory; OK if it already exists.
  virtual Status CreateDir(const std::string& path) = 0;
  // The names in a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a file or a directory tree; OK if it does not exist.
  virtual Status RemoveAll(const std::string& path) = 0;
  // rename(2): atomically replaces `to` if it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory, making creations, renames and removals in it durable.
  virtual Status SyncDir(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
};

// The real, POSIX file system. Lives for the whole process.
FileSystem* DefaultFileSystem();

std::string JoinPath(std::string_view dir, std::string_view name);

// What WriteFileAtomically's temporary file adds to the name; a leftover one is a crash's.
inline constexpr std::string_view kAtomicWriteSuffix = ".tmp";

// Replaces `path` with `data` so that a crash leaves either the old or the new contents: writes
// `path`.tmp, fsyncs it, renames it over `path` and fsyncs the directory. With sync = false the
// two fsyncs are skipped (the rename still makes the swap atomic for a process crash).
// `owner_only`: the file may hold secrets (a profile's SASL password), so mode 0600.
Status WriteFileAtomically(FileSystem& fs, const std::string& path, ByteSpan data, bool sync,
                           bool owner_only = false);

// The whole contents of a file.
Result<Bytes> ReadWholeFile(FileSystem& fs, const std::string& path);

}  // namespace kpk
