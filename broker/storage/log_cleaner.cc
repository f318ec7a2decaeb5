#include "broker/storage/log_cleaner.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace kpk::broker::storage {
namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

}  // namespace

LogCleaner::LogCleaner(LogList logs, CleanerOptions options)
    : logs_(std::move(logs)),
      options_(std::move(options)),
      interval_ms_(options_.interval_ms),
      io_limit_(options_.io_max_bytes_per_second) {}

LogCleaner::~LogCleaner() { Stop(); }

void LogCleaner::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void LogCleaner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_requested_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LogCleaner::SetInterval(int64_t interval_ms) {
  interval_ms_.store(interval_ms);
  wake_.notify_all();
}

void LogCleaner::SetIoLimit(int64_t bytes_per_second) { io_limit_.store(bytes_per_second); }

void LogCleaner::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto interval = std::chrono::milliseconds(std::max<int64_t>(interval_ms_.load(), 1));
    const int64_t before = interval_ms_.load();
    if (wake_.wait_for(lock, interval,
                       [&] { return stopping_ || interval_ms_.load() != before; })) {
      continue;  // stopping, or a new interval to wait for
    }
    lock.unlock();
    RunOnce(WallMs());
    lock.lock();
  }
}

int LogCleaner::RunOnce(int64_t now_ms) {
  std::lock_guard run(run_mu_);
  int cleaned = 0;
  CleanerLimits limits;
  limits.offset_map_bytes = options_.offset_map_bytes;
  limits.throttle = [this](uint64_t bytes) { Throttle(bytes); };
  limits.stopping = [this] { return stop_requested_.load(); };
  for (const auto& log : logs_()) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    const int64_t started = NowUs();
    auto result = log->Compact(now_ms, limits);
    if (!result) {
      if (stop_requested_.load()) break;
      Warn("cleaner: cannot clean " + log->name() + ": " + result.error().ToString());
      std::lock_guard lock(mu_);
      ++totals_.failures;
      continue;
    }
    if (!*result) continue;
    ++cleaned;
    Report(*log, **result, (NowUs() - started) / 1000);
  }
  std::lock_guard lock(mu_);
  ++totals_.rounds;
  return cleaned;
}

void LogCleaner::Throttle(uint64_t bytes) {
  const int64_t limit = io_limit_.load();
  if (limit <= 0) return;
  // A running deadline: each chunk moves it by the time the chunk may take at the limit, and
  // the cleaner sleeps whenever it runs ahead of it.
  const int64_t now = NowUs();
  throttle_until_us_ = std::max(throttle_until_us_, now) +
                       static_cast<int64_t>(bytes * 1000000 / static_cast<uint64_t>(limit));
  // In slices, so that Stop() is not kept waiting by a low limit.
  constexpr int64_t kSliceUs = 50000;
  for (int64_t left = throttle_until_us_ - now; left > 0 && !stop_requested_.load();
       left = throttle_until_us_ - NowUs()) {
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(left, kSliceUs)));
  }
}

void LogCleaner::Report(const PartitionLog& log, const CleaningStats& stats, int64_t took_ms) {
  {
    std::lock_guard lock(mu_);
    ++totals_.partitions_cleaned;
    totals_.bytes_read += stats.bytes_read;
    totals_.bytes_written += stats.bytes_written;
    if (stats.bytes_before > stats.bytes_after) {
      totals_.bytes_removed += stats.bytes_before - stats.bytes_after;
    }
    totals_.records_removed += stats.records_removed;
    totals_.last_dirty_ratio = stats.dirty_ratio;
    totals_.last_clean_ms = WallMs();
  }
  char ratio[16];
  std::snprintf(ratio, sizeof ratio, "%.2f", stats.dirty_ratio);
  std::string line =
      "cleaner: " + log.name() + ": cleaned offsets below " + std::to_string(stats.end_offset) +
      " (dirty from " + std::to_string(stats.first_dirty_offset) + ", ratio " + ratio +
      "): " + std::to_string(stats.segments_before) + " segment(s) of " +
      Megabytes(stats.bytes_before) + " -> " + std::to_string(stats.segments_after) + " of " +
      Megabytes(stats.bytes_after) + ", " + std::to_string(stats.records_removed) + " of " +
      std::to_string(stats.records_read) + " records removed, read " + Megabytes(stats.bytes_read) +
      " in " + std::to_string(took_ms) + " ms";
  if (options_.info) {
    options_.info(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void LogCleaner::Warn(std::string_view line) const {
  if (options_.warn) {
    options_.warn(line);
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

CleanerTotals LogCleaner::totals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

}  // namespace kpk::broker::storage
