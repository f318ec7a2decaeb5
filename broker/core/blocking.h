// Running blocking disk work (writing and fsyncing metadata) off the event loop: a worker
// thread takes jobs in order, and RunBlocking resumes the calling coroutine on the event loop
// with the job's result. Every connection stalls while the loop waits for a disk.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "broker/net/async_event.h"

namespace kpk::broker {
inline namespace core {

// One thread, so jobs run in the order they were posted: a later write of the same file lands
// after an earlier one.
class BlockingWorker {
 public:
  BlockingWorker();
  // Stop()s.
  ~BlockingWorker();
  BlockingWorker(const BlockingWorker&) = delete;
  BlockingWorker& operator=(const BlockingWorker&) = delete;

  void Post(std::function<void()> job);
  // Runs the jobs already posted, then ends the thread. Jobs posted afterwards run on the
  // caller's thread: by then the broker is closing and nothing else is running. Idempotent.
  void Stop();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

// Runs `fn` (which must not throw) on `worker` and resumes on the calling coroutine's executor
// with its result. The coroutine stays suspended, and so the event loop keeps running, until
// the job is done; the worker must therefore outlive the loop's last handler (BrokerState owns
// it and is destroyed before the io_context).
//
// `fn` is taken by reference and moved into the job: gcc 12 destroys a prvalue passed by value
// to a coroutine twice (GCC PR 100611), which freed a lambda's captured strings twice.
template <typename F, typename R = std::invoke_result_t<std::decay_t<F>&>>
Awaitable<R> RunBlocking(BlockingWorker& worker, F&& fn) {
  struct Slot {
    explicit Slot(const asio::any_io_executor& ex) : done(ex) {}
    AsyncEvent done;
    std::optional<R> result;
  };
  auto executor = co_await asio::this_coro::executor;
  auto slot = std::make_shared<Slot>(executor);
  worker.Post([slot, executor, job = std::decay_t<F>(std::forward<F>(fn))]() mutable {
    R result = job();
    // The slot (its timer belongs to the loop) moves into the loop's handler, so its last
    // reference is never dropped on this thread.
    asio::post(executor, [slot = std::move(slot), result = std::move(result)]() mutable {
      slot->result.emplace(std::move(result));
      slot->done.Notify();
    });
  });
  co_await slot->done.Wait();
  co_return std::move(*slot->result);
}

}  // namespace core
}  // namespace kpk::broker
