#include "broker/storage/flusher.h"

#include <algorithm>

#include "broker/storage/partition_log.h"

namespace kpk::broker::storage {

Flusher::Flusher() : thread_([this] { Run(); }) {}

Flusher::~Flusher() { Stop(); }

void Flusher::RequestDurable(std::shared_ptr<PartitionLog> log, int64_t end_offset, Callback done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      pending_.push_back({std::move(log), end_offset, std::move(done)});
      ++enqueued_;
      work_cv_.notify_one();
      return;
    }
  }
  if (done) done(Status::Unavailable("the flusher is stopped"));
}

void Flusher::ScheduleSync(std::shared_ptr<PartitionLog> log) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  pending_.push_back({std::move(log), -1, nullptr});
  ++enqueued_;
  work_cv_.notify_one();
}

void Flusher::Drain() {
  std::unique_lock lock(mu_);
  uint64_t target = enqueued_;
  done_cv_.wait(lock, [&] { return completed_ >= target || stopped_; });
}

void Flusher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    work_cv_.notify_one();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Flusher::SyncAll(const std::vector<PartitionLog*>& logs, std::vector<Status>& results,
                      const SyncObserver* observer) {
  if (logs.size() > 1) {
    for (PartitionLog* log : logs) log->StartWriteback();
  }
  for (size_t i = 0; i < logs.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    results[i] = logs[i]->SyncData();
    if (observer) (*observer)(std::chrono::steady_clock::now() - start);
  }
}

void Flusher::SetSyncObserver(SyncObserver observer) {
  auto shared = std::make_shared<const SyncObserver>(std::move(observer));
  std::lock_guard lock(mu_);
  observer_ = std::move(shared);
}

Flusher::Stats Flusher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Flusher::Run() {
  std::vector<Request> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return !pending_.empty() || stopping_; });
      if (pending_.empty()) break;  // stopping, and everything queued is done
      batch.swap(pending_);
      ++stats_.rounds;
    }
    RunRound(batch);
    {
      std::lock_guard lock(mu_);
      completed_ += batch.size();
      done_cv_.notify_all();
    }
    batch.clear();
  }
  std::lock_guard lock(mu_);
  stopped_ = true;
  done_cv_.notify_all();
}

void Flusher::RunRound(std::vector<Request>& batch) {
  // One Sync per distinct log, however many requests name it.
  std::vector<PartitionLog*> logs;
  logs.reserve(batch.size());
  for (const Request& r : batch) logs.push_back(r.log.get());
  std::sort(logs.begin(), logs.end());
  logs.erase(std::unique(logs.begin(), logs.end()), logs.end());
  std::vector<Status> results(logs.size());
  std::shared_ptr<const SyncObserver> observer;
  {
    std::lock_guard lock(mu_);
    observer = observer_;
  }
  SyncAll(logs, results, observer.get());
  {
    // Counted before the callbacks run: a caller woken by one may read the stats at once.
    std::lock_guard lock(mu_);
    stats_.syncs += logs.size();
    stats_.requests += static_cast<uint64_t>(
        std::count_if(batch.begin(), batch.end(), [](const Request& r) { return bool(r.done); }));
  }
  for (Request& r : batch) {
    if (!r.done) continue;
    size_t i =
        static_cast<size_t>(std::lower_bound(logs.begin(), logs.end(), r.log.get()) - logs.begin());
    Status status = results[i];
    if (status.ok() && r.log->durable_offset() < r.end_offset) {
      // Only if the caller asked for offsets it had not appended yet.
      status = Status::InvalidArgument("offset " + std::to_string(r.end_offset) +
                                       " is past the end of " + r.log->name());
    }
    r.done(status);
  }
  for (PartitionLog* log : logs) log->TidyAfterSync();
}

}  // namespace kpk::broker::storage
