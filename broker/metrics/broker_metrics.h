// The broker's counters.
//
// The totals and histograms are atomics: bumped on the event loop (and, for fsyncs, on the
// flusher thread), read by the Admin API's thread. Per-topic traffic lives in a map that only
// the event loop touches; the Admin API copies it there at scrape time (run_on_loop).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/metrics/histogram.h"

namespace kpk::broker {
inline namespace metrics {

// One Kafka API's requests, as Redpanda's kafka_handler probe counts them.
struct ApiMetrics {
  // The API's name in snake case ("produce", "offset_commit"), empty for an API the broker
  // does not serve. Set once before the Admin API starts.
  std::string name;
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> errored{0};  // bodies that did not decode
  std::atomic<uint64_t> received_bytes{0};
  std::atomic<uint64_t> sent_bytes{0};
  LatencyHistogram latency;  // from the decoded header to the response (or none) being ready
};

// Produce and fetch traffic of one partition (or a topic's sum). Event loop only.
struct Traffic {
  uint64_t produced_bytes = 0;
  uint64_t produced_records = 0;
  uint64_t fetched_bytes = 0;
  uint64_t fetched_records = 0;

  Traffic& operator+=(const Traffic& o) {
    produced_bytes += o.produced_bytes;
    produced_records += o.produced_records;
    fetched_bytes += o.fetched_bytes;
    fetched_records += o.fetched_records;
    return *this;
  }
  bool empty() const {
    return produced_bytes == 0 && produced_records == 0 && fetched_bytes == 0 &&
           fetched_records == 0;
  }
};

// One topic's traffic by partition index. Event loop only.
struct TopicTraffic {
  std::vector<Traffic> partitions;

  // `index` is a partition the topic has (its log was found), so the table stays small.
  Traffic& Partition(int32_t index) {
    const size_t i = index < 0 ? 0 : static_cast<size_t>(index);
    if (i >= partitions.size()) partitions.resize(i + 1);
    return partitions[i];
  }
  Traffic Total() const {
    Traffic sum;
    for (const Traffic& t : partitions) sum += t;
    return sum;
  }
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TopicTrafficMap = std::unordered_map<std::string, TopicTraffic, StringHash, std::equal_to<>>;

struct BrokerMetrics {
  // Kafka API keys go up to 74 in Kafka 3.9; a key past the table is counted nowhere.
  static constexpr size_t kApiSlots = 128;

  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> produced_bytes{0};
  std::atomic<uint64_t> produced_batches{0};
  std::atomic<uint64_t> fetched_bytes{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> fsyncs{0};
  LatencyHistogram fsync_latency;  // one fdatasync of a partition's active segment
  std::array<ApiMetrics, kApiSlots> apis;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  ApiMetrics* Api(int16_t key) {
    return key >= 0 && static_cast<size_t>(key) < kApiSlots ? &apis[key] : nullptr;
  }
  const ApiMetrics* Api(int16_t key) const { return const_cast<BrokerMetrics*>(this)->Api(key); }
  // Event loop only.
  TopicTraffic& Topic(std::string_view name) {
    auto it = topics_.find(name);
    if (it == topics_.end()) it = topics_.emplace(std::string(name), TopicTraffic{}).first;
    return it->second;
  }
  const TopicTrafficMap& topics() const { return topics_; }
  // A deleted topic's counters go with it (Redpanda drops its probes too).
  void ForgetTopic(std::string_view name) {
    if (auto it = topics_.find(name); it != topics_.end()) topics_.erase(it);
  }

 private:
  TopicTrafficMap topics_;
};

}  // namespace metrics
}  // namespace kpk::broker
