#include "broker/storage/flusher.h"

#include <algorithm>

#include "broker/storage/partition_log.h"

namespace kpk::storage {

Flusher::Flusher(int sync_threads) {
  for (int i = 1; i < sync_threads; ++i) helpers_.emplace_back([this] { RunHelper(); });
  thread_ = std::thread([this] { Run(); });
}

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
  {
    std::lock_guard lock(round_mu_);
    helpers_stop_ = true;
    round_cv_.notify_all();
  }
  for (std::thread& helper : helpers_) {
    if (helper.joinable()) helper.join();
  }
}

void Flusher::RunHelper() {
  uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(round_mu_);
      round_cv_.wait(lock, [&] { return helpers_stop_ || round_id_ != seen; });
      if (helpers_stop_) return;
      seen = round_id_;
      ++round_busy_;
    }
    TakeSyncWork();
    std::lock_guard lock(round_mu_);
    if (--round_busy_ == 0) round_done_cv_.notify_all();
  }
}

void Flusher::TakeSyncWork() {
  while (true) {
    size_t i;
    {
      std::lock_guard lock(round_mu_);
      if (round_logs_ == nullptr || round_next_ >= round_logs_->size()) return;
      i = round_next_++;
    }
    // Each index is taken once, so results[i] has a single writer.
    (*round_results_)[i] = (*round_logs_)[i]->SyncData();
  }
}

void Flusher::SyncAll(const std::vector<PartitionLog*>& logs, std::vector<Status>& results) {
  if (logs.size() == 1 || helpers_.empty()) {
    for (size_t i = 0; i < logs.size(); ++i) results[i] = logs[i]->SyncData();
    return;
  }
  {
    std::lock_guard lock(round_mu_);
    round_logs_ = &logs;
    round_results_ = &results;
    round_next_ = 0;
    ++round_id_;
    round_cv_.notify_all();
  }
  TakeSyncWork();
  std::unique_lock lock(round_mu_);
  // All logs are taken once round_next_ reaches the end; wait for helpers still syncing one.
  round_done_cv_.wait(lock, [&] { return round_busy_ == 0; });
  round_logs_ = nullptr;
  round_results_ = nullptr;
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
  SyncAll(logs, results);
  uint64_t syncs = logs.size();
  uint64_t callbacks = 0;
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
    ++callbacks;
  }
  for (PartitionLog* log : logs) log->TidyAfterSync();
  std::lock_guard lock(mu_);
  stats_.syncs += syncs;
  stats_.requests += callbacks;
}

}  // namespace kpk::storage
