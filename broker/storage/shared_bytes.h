// A heap buffer that is filled once and then shared read-only, such as a segment read that a
// Fetch response keeps alive until the socket has taken it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>

#include "common/bytes.h"

namespace kpk {

class SharedBytes {
 public:
  SharedBytes() = default;

  // n bytes left uninitialized: whatever fills them (a pread) writes every byte anyway, and
  // zero-filling first cost a tenth of the broker's CPU under a consume load.
  static SharedBytes ForOverwrite(size_t n) {
    SharedBytes b;
    if (n > 0) b.data_ = std::make_shared_for_overwrite<uint8_t[]>(n);
    b.size_ = n;
    return b;
  }

  // For the one filling the buffer, before it is shared: copies share the same bytes.
  std::span<uint8_t> writable() { return {data_.get(), size_}; }

  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteSpan span() const { return {data_.get(), size_}; }
  operator ByteSpan() const { return span(); }  // NOLINT: used wherever a view is wanted

  // Keeps only the first n bytes; the allocation stays as it is.
  void Truncate(size_t n) { size_ = std::min(n, size_); }

  // Keeps the bytes alive for as long as the returned pointer lives.
  std::shared_ptr<const void> owner() const { return data_; }

 private:
  std::shared_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

}  // namespace kpk
