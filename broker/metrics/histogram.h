// A latency histogram with fixed log-scale buckets, cheap enough for every request.
//
// Bucket i holds durations up to kFirstBoundUs * 2^i microseconds (16 us ... 33.6 s), the last
// one everything above. Record() is a few relaxed atomic adds, so the event loop (request
// latencies) and the flusher thread (fsync latencies) record while the Admin API's thread
// reads; a reader may see a sample's bucket before its sum, which a scrape tolerates.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace kpk::broker {
inline namespace metrics {

class LatencyHistogram {
 public:
  static constexpr uint64_t kFirstBoundUs = 16;
  static constexpr size_t kFiniteBuckets = 22;

  struct Snapshot {
    std::array<uint64_t, kFiniteBuckets + 1> buckets{};  // not cumulative; last is +Inf
    uint64_t count = 0;
    uint64_t sum_us = 0;
  };

  // The upper bound of finite bucket `i`, in microseconds.
  static constexpr uint64_t BoundUs(size_t i) { return kFirstBoundUs << i; }

  void Record(std::chrono::nanoseconds elapsed);
  Snapshot Read() const;

 private:
  static size_t BucketFor(uint64_t us);

  std::array<std::atomic<uint64_t>, kFiniteBuckets + 1> buckets_{};
  std::atomic<uint64_t> sum_us_{0};
};

}  // namespace metrics
}  // namespace kpk::broker
