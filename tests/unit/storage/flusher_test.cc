#include "broker/storage/flusher.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/storage/log_format.h"
#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kNow = 1700000000000;

std::shared_ptr<PartitionLog> OpenLog(const std::string& dir, FileSystem* fs,
                                      Flusher* flusher = nullptr,
                                      const LogConfig& config = LogConfig{}) {
  LogEnv env;
  env.fs = fs;
  env.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  if (flusher) {
    env.schedule_sync = [flusher](std::shared_ptr<PartitionLog> log) {
      flusher->ScheduleSync(std::move(log));
    };
  }
  auto log = PartitionLog::Open(dir, "t-0", config, env, kNow);
  REQUIRE_MESSAGE(log, log.error().ToString());
  return *log;
}

// Counts callbacks and lets a test wait for them with a deadline.
class Waiter {
 public:
  Flusher::Callback Callback(int64_t end_offset, std::shared_ptr<PartitionLog> log) {
    return [this, end_offset, log](const Status& s) {
      std::lock_guard lock(mu_);
      if (s.ok()) {
        ++ok_;
        if (log->durable_offset() < end_offset) ++early_;
      } else {
        ++failed_;
        last_error_ = s;
      }
      cv_.notify_all();
    };
  }
  bool WaitFor(int count, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return ok_ + failed_ >= count; });
  }
  int ok() const {
    std::lock_guard lock(mu_);
    return ok_;
  }
  int failed() const {
    std::lock_guard lock(mu_);
    return failed_;
  }
  int early() const {
    std::lock_guard lock(mu_);
    return early_;
  }
  Status last_error() const {
    std::lock_guard lock(mu_);
    return last_error_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int ok_ = 0;
  int failed_ = 0;
  int early_ = 0;
  Status last_error_;
};

TEST_CASE("one fsync round satisfies every waiter queued behind it") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  fs.SetSyncDelay(30ms);
  auto log = OpenLog(tmp.path(), &fs);
  Flusher flusher;
  Waiter waiter;
  Bytes batch = MakeBatch(10, 100, kNow);
  uint64_t syncs_before = fs.file_syncs();
  // While the first round sleeps in fdatasync, the other 99 requests queue up for the second.
  for (int i = 0; i < 100; ++i) {
    Bytes copy = batch;
    auto appended = log->Append(copy, kNow);
    REQUIRE(appended);
    flusher.RequestDurable(log, appended->last_offset + 1,
                           waiter.Callback(appended->last_offset + 1, log));
  }
  REQUIRE(waiter.WaitFor(100));
  CHECK(waiter.ok() == 100);
  CHECK(waiter.early() == 0);
  CHECK(log->durable_offset() == 1000);
  CHECK(fs.file_syncs() - syncs_before <= 3);
  Flusher::Stats stats = flusher.stats();
  CHECK(stats.requests == 100);
  CHECK(stats.rounds <= 3);
}

TEST_CASE("the sync observer hears each partition sync with how long it took") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  fs.SetSyncDelay(20ms);
  auto log = OpenLog(tmp.path(), &fs);
  Flusher flusher;
  std::mutex mu;
  std::vector<std::chrono::nanoseconds> heard;
  flusher.SetSyncObserver([&](std::chrono::nanoseconds took) {
    std::lock_guard lock(mu);
    heard.push_back(took);
  });
  Waiter waiter;
  for (int i = 0; i < 3; ++i) {
    Bytes batch = MakeBatch(1, 10, kNow);
    auto appended = log->Append(batch, kNow);
    REQUIRE(appended);
    flusher.RequestDurable(log, appended->last_offset + 1,
                           waiter.Callback(appended->last_offset + 1, log));
    REQUIRE(waiter.WaitFor(i + 1));  // one round each
  }
  std::lock_guard lock(mu);
  CHECK(heard.size() == flusher.stats().syncs);
  CHECK(heard.size() == 3);
  for (auto took : heard) CHECK(took >= 20ms);
}

TEST_CASE("many producer threads share fsyncs (group commit under concurrency)") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  fs.SetSyncDelay(2ms);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::shared_ptr<PartitionLog>> logs;
  for (int p = 0; p < 2; ++p) {
    std::string dir = tmp.path() + "/" + std::to_string(p);
    logs.push_back(OpenLog(dir, &fs));
  }
  Flusher flusher;
  std::atomic<int> acknowledged{0};
  std::atomic<int> errors{0};
  uint64_t syncs_before = fs.file_syncs();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto log = logs[static_cast<size_t>(t % 2)];
      Bytes batch = MakeBatch(5, 100, kNow);
      for (int i = 0; i < kPerThread; ++i) {
        Bytes copy = batch;
        auto appended = log->Append(copy, kNow);
        if (!appended) {
          ++errors;
          continue;
        }
        // Like a producer with acks=-1: wait for this append before sending the next.
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
        flusher.RequestDurable(log, appended->last_offset + 1, [&](const Status& s) {
          std::lock_guard lock(mu);
          if (s.ok() && log->durable_offset() > appended->last_offset) {
            ++acknowledged;
          } else {
            ++errors;
          }
          done = true;
          cv.notify_one();
        });
        std::unique_lock lock(mu);
        if (!cv.wait_for(lock, 10s, [&] { return done; })) {
          ++errors;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(errors == 0);
  CHECK(acknowledged == kThreads * kPerThread);
  uint64_t syncs = fs.file_syncs() - syncs_before;
  MESSAGE("requests " << kThreads * kPerThread << ", fdatasyncs " << syncs);
  CHECK(syncs < static_cast<uint64_t>(kThreads * kPerThread / 2));
  for (const auto& log : logs) CHECK(log->durable_offset() == log->log_end_offset());
}

TEST_CASE("a round starts every partition's writeback before it waits on any") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  std::vector<std::shared_ptr<PartitionLog>> logs;
  for (int p = 0; p < 4; ++p) logs.push_back(OpenLog(tmp.path() + "/" + std::to_string(p), &fs));
  Flusher flusher;
  Waiter waiter;
  // Held in the fdatasync of another log, the flusher lets the four requests below queue for
  // one round.
  auto holder = OpenLog(tmp.path() + "/holder", &fs);
  AppendCopy(*holder, MakeBatch(1, 10, kNow), kNow);
  fs.SetSyncDelay(100ms);
  flusher.ScheduleSync(holder);
  std::this_thread::sleep_for(20ms);
  const size_t events_before = fs.sync_events().size();
  for (const auto& log : logs) {
    int64_t base = AppendCopy(*log, MakeBatch(1, 10, kNow), kNow);
    flusher.RequestDurable(log, base + 1, waiter.Callback(base + 1, log));
  }
  REQUIRE(waiter.WaitFor(4));
  CHECK(waiter.ok() == 4);
  for (const auto& log : logs) CHECK(log->durable_offset() == 1);
  const std::vector<std::string> events = fs.sync_events();
  std::vector<std::string> round(events.begin() + static_cast<std::ptrdiff_t>(events_before),
                                 events.end());
  REQUIRE(round.size() == 8);
  for (size_t i = 0; i < round.size(); ++i) {
    CHECK_MESSAGE(round[i].starts_with(i < 4 ? "writeback " : "sync "), round[i]);
  }

  // A round with one partition just syncs it.
  auto log = OpenLog(tmp.path() + "/single", &fs);
  fs.SetSyncDelay(0ms);
  const size_t single_before = fs.sync_events().size();
  AppendCopy(*log, MakeBatch(1, 10, kNow), kNow);
  flusher.RequestDurable(log, 1, waiter.Callback(1, log));
  REQUIRE(waiter.WaitFor(5));
  const std::vector<std::string> after = fs.sync_events();
  REQUIRE(after.size() == single_before + 1);
  CHECK(after.back().starts_with("sync "));
}

TEST_CASE("a failed fsync fails the waiters and every later append") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  auto log = OpenLog(tmp.path(), &fs);
  Flusher flusher;
  Waiter waiter;
  Bytes batch = MakeBatch(1, 10, kNow);
  CHECK(AppendCopy(*log, batch, kNow) == 0);
  fs.SetFailSync(true);
  flusher.RequestDurable(log, 1, waiter.Callback(1, log));
  REQUIRE(waiter.WaitFor(1));
  CHECK(waiter.failed() == 1);
  CHECK(waiter.last_error().code() == Status::Code::kIOError);
  CHECK(log->durable_offset() == 0);
  fs.SetFailSync(false);
  Bytes copy = batch;
  auto append = log->Append(copy, kNow);
  REQUIRE_FALSE(append);
  CHECK(append.error().code() == Status::Code::kIOError);
  CHECK(log->Sync().code() == Status::Code::kIOError);
}

TEST_CASE("Stop completes what is queued; later requests fail at once") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  fs.SetSyncDelay(20ms);
  auto log = OpenLog(tmp.path(), &fs);
  Flusher flusher;
  Waiter waiter;
  for (int i = 0; i < 10; ++i) {
    int64_t base = AppendCopy(*log, MakeBatch(1, 10, kNow), kNow);
    flusher.RequestDurable(log, base + 1, waiter.Callback(base + 1, log));
  }
  flusher.Stop();
  CHECK(waiter.ok() == 10);
  flusher.RequestDurable(log, 1, waiter.Callback(1, log));
  CHECK(waiter.failed() == 1);
  CHECK(waiter.last_error().code() == Status::Code::kUnavailable);
  flusher.Stop();  // idempotent
}

TEST_CASE("a roll schedules a background sync that saves the sealed segment's index") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  Flusher flusher;
  auto log = OpenLog(tmp.path(), &fs, &flusher, SmallSegments(1024));
  for (int i = 0; i < 10; ++i) AppendCopy(*log, MakeBatch(2, 100, kNow), kNow);
  REQUIRE(log->segment_count() > 1);
  flusher.Drain();
  CHECK(std::filesystem::exists(tmp.path() + "/00000000000000000000.index"));
  CHECK(std::filesystem::exists(tmp.path() + "/00000000000000000000.timeindex"));
}

TEST_CASE("acknowledged data survives a machine crash; unsynced data may not") {
  TempDir tmp;
  int64_t acknowledged_end = 0;
  {
    FaultInjectionFileSystem fs;
    auto log = OpenLog(tmp.path(), &fs, nullptr, SmallSegments(2048));
    Flusher flusher;
    Waiter waiter;
    for (int i = 0; i < 30; ++i) {
      int64_t base = AppendCopy(*log, MakeBatch(3, 90, kNow), kNow);
      if (i % 10 == 9) {
        flusher.RequestDurable(log, base + 3, waiter.Callback(base + 3, log));
        REQUIRE(waiter.WaitFor(i / 10 + 1));
        acknowledged_end = base + 3;
      }
    }
    for (int i = 0; i < 7; ++i) AppendCopy(*log, MakeBatch(3, 90, kNow), kNow);  // not acked
    flusher.Stop();
    fs.CrashMachine();
  }
  LogEnv env;
  env.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  auto log = PartitionLog::Open(tmp.path(), "t-0", SmallSegments(2048), env, kNow);
  REQUIRE(log);
  CHECK((*log)->health().ok());
  CHECK((*log)->log_end_offset() >= acknowledged_end);
  auto all = ReadAll(**log, 0);
  REQUIRE(!all.empty());
  CHECK(all.back().last_offset + 1 == (*log)->log_end_offset());
  int64_t end = (*log)->log_end_offset();
  CHECK(AppendCopy(**log, MakeBatch(1, 1, kNow), kNow) == end);
}

TEST_CASE("waiters are answered before the recovery point is written") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  auto log = OpenLog(tmp.path(), &fs);
  Flusher flusher;
  Waiter waiter;
  fs.HoldWritesTo(std::string(format::kRecoveryPointFileName));
  const int writes_before = fs.held_path_writes();
  int64_t end = AppendCopy(*log, MakeBatch(5, 100, kNow), kNow) + 5;
  flusher.RequestDurable(log, end, waiter.Callback(end, log));
  // The flusher is now held in the recovery-point write; the waiter must already have its
  // answer.
  CHECK(waiter.WaitFor(1, 2s));
  CHECK(waiter.ok() == 1);
  CHECK(log->durable_offset() == end);
  fs.ReleaseWrites();
  flusher.Drain();
  CHECK(fs.held_path_writes() > writes_before);
  auto checkpoint =
      ReadWholeFile(fs, tmp.path() + "/" + std::string(format::kRecoveryPointFileName));
  REQUIRE(checkpoint);
  auto value = format::DecodeCheckpoint(*checkpoint);
  REQUIRE(value);
  CHECK(*value == end);
}

}  // namespace
}  // namespace kpk::broker::storage::testing
