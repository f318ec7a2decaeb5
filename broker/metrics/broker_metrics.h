// The broker's counters: bumped by the network and handlers on the event loop, read by the
// Admin API's /metrics on its own thread, hence atomics.
#pragma once

#include <atomic>
#include <cstdint>

namespace kpk::broker {
inline namespace metrics {

struct BrokerMetrics {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> produced_bytes{0};
  std::atomic<uint64_t> produced_batches{0};
  std::atomic<uint64_t> fetched_bytes{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> fsyncs{0};
};

}  // namespace metrics
}  // namespace kpk::broker
