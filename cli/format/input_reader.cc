#include "cli/format/input_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kpk::cli {
inline namespace format {

InputReader::InputReader(int fd, size_t capacity) : fd_(fd), buf_(capacity, '\0') {}

InputReader::InputReader(int fd, std::string data, bool eof)
    : fd_(fd), buf_(std::move(data)), end_(buf_.size()), eof_(eof) {}

InputReader InputReader::FromString(std::string data) {
  return InputReader(-1, std::move(data), true);
}

Status InputReader::Fill(size_t want) {
  while (Buffered() < want && !eof_) {
    if (pos_ > 0) {  // keep unread bytes at the front
      std::memmove(buf_.data(), buf_.data() + pos_, Buffered());
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(std::max(buf_.size() * 2, want + 4096));
    ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) {
      if (interrupted_ && interrupted_()) return Status::IOError("interrupted");
      continue;
    }
    if (n < 0) return Status::FromErrno(errno, "read input");
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
  }
  return Status::OK();
}

Result<std::string_view> InputReader::Peek(size_t n) {
  if (Buffered() < n) {
    if (Status s = Fill(n); !s.ok()) return Err(s);
  }
  return std::string_view(buf_.data() + pos_, std::min(n, Buffered()));
}

Result<bool> InputReader::ReadUntil(std::string_view delim, std::string& out) {
  while (true) {
    std::string_view avail(buf_.data() + pos_, Buffered());
    if (!delim.empty()) {
      size_t at = delim.size() == 1 ? avail.find(delim[0]) : avail.find(delim);
      if (at != std::string_view::npos) {
        out.append(avail.data(), at);
        pos_ += at + delim.size();
        return true;
      }
    }
    if (eof_) {
      out.append(avail);
      pos_ = end_;
      return false;
    }
    // Keep a possible partial delimiter at the end of the buffer for the next scan.
    size_t keep = delim.empty() ? 0 : std::min(avail.size(), delim.size() - 1);
    out.append(avail.data(), avail.size() - keep);
    pos_ += avail.size() - keep;
    if (Status s = Fill(Buffered() + 1); !s.ok()) return Err(s);
  }
}

Result<size_t> InputReader::ReadN(size_t n, std::string& out) {
  size_t done = 0;
  while (done < n) {
    if (Buffered() == 0) {
      if (Status s = Fill(1); !s.ok()) return Err(s);
      if (Buffered() == 0) break;
    }
    size_t take = std::min(n - done, Buffered());
    out.append(buf_.data() + pos_, take);
    pos_ += take;
    done += take;
  }
  return done;
}

}  // namespace format
}  // namespace kpk::cli
