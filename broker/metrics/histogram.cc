#include "broker/metrics/histogram.h"

#include <algorithm>
#include <bit>

namespace kpk::broker {
inline namespace metrics {

size_t LatencyHistogram::BucketFor(uint64_t us) {
  if (us <= kFirstBoundUs) return 0;
  // The smallest i with us <= kFirstBoundUs << i.
  const size_t i = static_cast<size_t>(std::bit_width((us - 1) / kFirstBoundUs));
  return i < kFiniteBuckets ? i : kFiniteBuckets;
}

void LatencyHistogram::Record(std::chrono::nanoseconds elapsed) {
  const auto us = static_cast<uint64_t>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  buckets_[BucketFor(us)].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot s;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    s.count += s.buckets[i];
  }
  // The count is the buckets' total, so `_count` always equals the +Inf bucket.
  s.sum_us = sum_us_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace metrics
}  // namespace kpk::broker
