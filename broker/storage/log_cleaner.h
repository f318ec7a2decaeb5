// The log cleaner: one background thread that compacts the partitions whose cleanup.policy
// includes compact (PartitionLog::Compact), with a bounded offset map and an optional I/O rate
// limit, so that cleaning never runs on the broker's event loop and never takes the whole disk.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "broker/storage/partition_log.h"

namespace kpk::broker::storage {

struct CleanerOptions {
  // How long the thread sleeps between rounds (Kafka's log.cleaner.backoff.ms, Redpanda's
  // log_compaction_interval_ms).
  int64_t interval_ms = 10000;
  // Bytes read plus written per second; 0: unlimited (Kafka's default).
  int64_t io_max_bytes_per_second = 0;
  size_t offset_map_bytes = 128u << 20;
  // One line per cleaned partition, and one per failure. Null: stderr.
  std::function<void(std::string_view)> info;
  std::function<void(std::string_view)> warn;
};

// Totals since start, for logs and metrics.
struct CleanerTotals {
  int64_t rounds = 0;
  int64_t partitions_cleaned = 0;
  int64_t failures = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t bytes_removed = 0;
  int64_t records_removed = 0;
  double last_dirty_ratio = 0;
  int64_t last_clean_ms = 0;  // wall-clock time of the last clean; 0: none yet
};

class LogCleaner {
 public:
  using LogList = std::function<std::vector<std::shared_ptr<PartitionLog>>()>;
  LogCleaner(LogList logs, CleanerOptions options);
  // Stop()s.
  ~LogCleaner();
  LogCleaner(const LogCleaner&) = delete;
  LogCleaner& operator=(const LogCleaner&) = delete;

  void Start();
  // Ends a clean in progress at its next batch (its files stay as they were) and the thread.
  // Idempotent.
  void Stop();
  void SetInterval(int64_t interval_ms);
  void SetIoLimit(int64_t bytes_per_second);
  // Runs one round now on the calling thread: every compacted partition that is due is cleaned.
  // Returns how many were.
  int RunOnce(int64_t now_ms);

  CleanerTotals totals() const;

 private:
  void Loop();
  void Throttle(uint64_t bytes);
  void Report(const PartitionLog& log, const CleaningStats& stats, int64_t took_ms);
  void Warn(std::string_view line) const;

  const LogList logs_;
  CleanerOptions options_;
  std::atomic<int64_t> interval_ms_;
  std::atomic<int64_t> io_limit_;
  // Throttle state: when the bytes counted so far may be done.
  int64_t throttle_until_us_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};  // stopping_, for the cleaning thread to poll
  CleanerTotals totals_;
  std::mutex run_mu_;  // one round at a time (the thread's and RunOnce's)
  std::thread thread_;
};

}  // namespace kpk::broker::storage
