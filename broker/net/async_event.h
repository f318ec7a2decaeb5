// A notification one coroutine can wait for, with a deadline, on the broker's event loop.
//
// Asio has no condition variable for coroutines; a steady_timer that is cancelled to wake its
// waiter serves as one. All calls must be made on the event loop's thread.
#pragma once

#include <chrono>

#include "broker/net/asio.h"

namespace kpk::broker {
inline namespace net {

class AsyncEvent {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AsyncEvent(const asio::any_io_executor& executor)
      : timer_(executor, Clock::time_point::max()) {}
  AsyncEvent(const AsyncEvent&) = delete;
  AsyncEvent& operator=(const AsyncEvent&) = delete;

  // Wakes the waiter, or makes the next Wait return at once.
  void Notify() {
    notified_ = true;
    timer_.cancel();
  }
  bool notified() const { return notified_; }
  void Reset() { notified_ = false; }

  // For shutdown: ends the current wait and every later one at once, as if its deadline had
  // passed, so that long polls answer now instead of holding the event loop open.
  void Close() {
    closed_ = true;
    timer_.cancel();
  }

  // Waits until Notify() or `deadline`; returns whether it was notified (false once closed).
  Awaitable<bool> WaitUntil(Clock::time_point deadline) {
    if (!notified_ && !closed_) {
      timer_.expires_at(deadline);
      asio::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return notified_ && !closed_;
  }
  Awaitable<void> Wait() { co_await WaitUntil(Clock::time_point::max()); }

 private:
  asio::steady_timer timer_;
  bool notified_ = false;
  bool closed_ = false;
};

}  // namespace net
}  // namespace kpk::broker
