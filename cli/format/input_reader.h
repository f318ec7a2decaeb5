// Buffered reading of produce input with the primitives the record reader needs: peeking,
// exact reads and delimiter scans that stay fast on large inputs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

class InputReader {
 public:
  // Reads from a file descriptor (not owned).
  explicit InputReader(int fd, size_t capacity = size_t{1} << 20);
  // Reads from memory, for tests.
  static InputReader FromString(std::string data);

  // Buffers at least `n` bytes unless the input ends first; returns what is buffered.
  Result<std::string_view> Peek(size_t n);
  void Discard(size_t n) { pos_ += n; }
  // Appends bytes up to `delim` to `out` and consumes the delimiter. Returns false when the
  // input ended first (then `out` holds the rest). An empty delimiter reads everything.
  Result<bool> ReadUntil(std::string_view delim, std::string& out);
  // Appends up to `n` bytes; returns how many were available.
  Result<size_t> ReadN(size_t n, std::string& out);

  // Checked when a read is interrupted by a signal: true ends the input with an error
  // instead of retrying, so Ctrl-C stops a producer blocked on stdin.
  void SetInterruptCheck(std::function<bool()> check) { interrupted_ = std::move(check); }

 private:
  InputReader(int fd, std::string data, bool eof);
  Status Fill(size_t want);
  size_t Buffered() const { return end_ - pos_; }

  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::function<bool()> interrupted_;
};

}  // namespace format
}  // namespace kpk::cli
