#include "common/file_system.h"

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kpk {
namespace {

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd) : File(std::move(path)), fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }

  Status WriteAt(uint64_t offset, ByteSpan data) override {
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "write " + path());
      }
      data = data.subspan(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Err(Status::FromErrno(errno, "read " + path()));
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return Status::FromErrno(errno, "truncate " + path());
    }
    return Status::OK();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Status::FromErrno(errno, "fdatasync " + path());
    return Status::OK();
  }

  void StartWriteback() override { (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE); }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Err(Status::FromErrno(errno, "stat " + path()));
    return static_cast<uint64_t>(st.st_size);
  }

  void DropCache(uint64_t offset, uint64_t size) override {
    (void)::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(size),
                          POSIX_FADV_DONTNEED);
  }

  int native_fd() const override { return fd_; }

 private:
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    int flags = O_RDWR | O_CLOEXEC;
    if (mode == OpenMode::kCreate) flags |= O_CREAT;
    if (mode == OpenMode::kCreateTruncate || mode == OpenMode::kCreateTruncatePrivate) {
      flags |= O_CREAT | O_TRUNC;
    }
    int fd = ::open(path.c_str(), flags, mode == OpenMode::kCreateTruncatePrivate ? 0600 : 0644);
    if (fd < 0) return Err(Status::FromErrno(errno, "open " + path));
    return std::unique_ptr<File>(new PosixFile(path, fd));
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno(errno, "mkdir " + path);
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return Err(Status::FromErrno(errno, "opendir " + path));
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(dir)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(dir);
    if (err != 0) return Err(Status::FromErrno(err, "readdir " + path));
    return names;
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "unlink " + path);
    return Status::OK();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return Status::FromErrno(ec.value(), "remove " + path);
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return Status::FromErrno(errno, "rename " + from + " to " + to);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "open directory " + path);
    Status s;
    if (::fsync(fd) != 0) s = Status::FromErrno(errno, "fsync directory " + path);
    ::close(fd);
    return s;
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }
};

std::string_view ParentDir(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* fs = new PosixFileSystem();  // never destroyed: used until exit
  return fs;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

Status WriteFileAtomically(FileSystem& fs, const std::string& path, ByteSpan data, bool sync,
                           bool owner_only) {
  std::string temp = path + std::string(kAtomicWriteSuffix);
  auto file =
      fs.Open(temp, owner_only ? OpenMode::kCreateTruncatePrivate : OpenMode::kCreateTruncate);
  if (!file) return file.error();
  Status s = (*file)->WriteAt(0, data);
  if (s.ok() && sync) s = (*file)->Sync();
  file->reset();
  if (s.ok()) s = fs.Rename(temp, path);
  if (!s.ok()) {
    (void)fs.RemoveFile(temp);  // best effort: leftovers are also removed on startup
    return s;
  }
  if (sync) return fs.SyncDir(std::string(ParentDir(path)));
  return Status::OK();
}

Result<Bytes> ReadWholeFile(FileSystem& fs, const std::string& path) {
  auto file = fs.Open(path, OpenMode::kReadWrite);
  if (!file) return Err(file.error());
  auto size = (*file)->Size();
  if (!size) return Err(size.error());
  Bytes data(*size);
  auto n = (*file)->ReadAt(0, data);
  if (!n) return Err(n.error());
  data.resize(*n);
  return data;
}

}  // namespace kpk
