#include "broker/transactions/record_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>

#include <fmt/core.h>

#include "broker/core/atomic_file.h"
#include "common/bytes.h"
#include "common/crc32c.h"

namespace kpk::broker::transactions {
namespace {

std::optional<std::string> ParseLine(std::string_view line) {
  if (line.size() < 9 || line[8] != ' ') return std::nullopt;
  uint32_t crc = 0;
  if (std::sscanf(std::string(line.substr(0, 8)).c_str(), "%8x", &crc) != 1) return std::nullopt;
  std::string_view body = line.substr(9);
  if (crc32c::Value(AsBytes(body)) != crc) return std::nullopt;
  return std::string(body);
}

Result<std::string> ReadAll(int fd) {
  std::string data;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) return Err(Status::FromErrno(errno, "read"));
    if (n == 0) return data;
    data.append(buf, static_cast<size_t>(n));
  }
}

// Splits `data` into valid records; returns the byte length of the valid prefix.
Result<size_t> Replay(const std::string& path, const std::string& data,
                      std::vector<std::string>* records) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    auto record = end == std::string::npos
                      ? std::nullopt
                      : ParseLine(std::string_view(data).substr(pos, end - pos));
    if (!record) {
      // A torn tail is the last, unterminated or damaged line; anything valid after a bad
      // line means the middle of the log is damaged.
      size_t next = end == std::string::npos ? data.size() : end + 1;
      if (next < data.size()) {
        return Err(Status::Corruption(
            fmt::format("{}: damaged record at byte {} followed by more records", path, pos)));
      }
      return pos;
    }
    records->push_back(std::move(*record));
    pos = end + 1;
  }
  return pos;
}

}  // namespace

std::string FrameRecord(const std::string& record) {
  return fmt::format("{:08x} {}\n", crc32c::Value(AsBytes(record)), record);
}

Result<std::unique_ptr<RecordLog>> RecordLog::Open(const std::string& path, bool sync,
                                                   std::vector<std::string>* records) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Err(Status::FromErrno(errno, "open " + path));
  auto data = ReadAll(fd);
  if (!data) {
    ::close(fd);
    return Err(data.error());
  }
  auto valid = Replay(path, *data, records);
  if (!valid) {
    ::close(fd);
    return Err(valid.error());
  }
  if (*valid < data->size() && ::ftruncate(fd, static_cast<off_t>(*valid)) != 0) {
    ::close(fd);
    return Err(Status::FromErrno(errno, "truncate " + path));
  }
  ::lseek(fd, 0, SEEK_END);
  return std::unique_ptr<RecordLog>(new RecordLog(path, fd, sync, records->size()));
}

RecordLog::RecordLog(std::string path, int fd, bool sync, size_t existing)
    : path_(std::move(path)), fd_(fd), sync_(sync), records_written_(existing) {
  thread_ = std::thread([this] { Run(); });
}

RecordLog::~RecordLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  ::close(fd_);
}

void RecordLog::Append(std::string record, Callback done) {
  {
    std::lock_guard lock(mu_);
    pending_.emplace_back(FrameRecord(record), std::move(done));
  }
  cv_.notify_one();
}

size_t RecordLog::records_written() const {
  std::lock_guard lock(mu_);
  return records_written_;
}

void RecordLog::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    auto batch = std::move(pending_);
    pending_.clear();
    busy_ = true;
    lock.unlock();
    std::string bytes;
    for (const auto& [line, _] : batch) bytes += line;
    Status status;
    if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      status = Status::FromErrno(errno, "write " + path_);
    } else if (sync_ && ::fdatasync(fd_) != 0) {
      status = Status::FromErrno(errno, "fdatasync " + path_);
    }
    for (auto& [_, done] : batch) done(status);
    lock.lock();
    busy_ = false;
    records_written_ += batch.size();
    idle_cv_.notify_all();
  }
}

Status RecordLog::Rewrite(const std::vector<std::string>& records) {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return pending_.empty() && !busy_; });
  std::string text;
  for (const auto& r : records) text += FrameRecord(r);
  if (Status s = WriteFileAtomically(path_, text); !s.ok()) return s;
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "reopen " + path_);
  ::close(fd_);
  fd_ = fd;
  records_written_ = records.size();
  return Status::OK();
}

}  // namespace kpk::broker::transactions
