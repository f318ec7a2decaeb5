// Admin operations on one resource (a topic, the broker's configs) one after another, on the
// event loop: each reads the state its predecessor published, and their disk writes land in
// the order they were asked for, so the last request wins. Other resources are not held up.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "broker/net/async_event.h"

namespace kpk::broker {
inline namespace core {

class AdminTurns {
  using Waiters = std::map<std::string, std::deque<std::shared_ptr<AsyncEvent>>, std::less<>>;

 public:
  // Holding one is the right to change its resource; destroying it passes the turn on.
  class Turn {
   public:
    Turn(Turn&& other) noexcept = default;
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;
    ~Turn();

   private:
    friend class AdminTurns;
    Turn(std::shared_ptr<Waiters> waiters, std::string key)
        : waiters_(std::move(waiters)), key_(std::move(key)) {}
    std::shared_ptr<Waiters> waiters_;  // shared: a turn may outlive AdminTurns at shutdown
    std::string key_;
  };

  // Waits for the operations on `key` that came first.
  Awaitable<Turn> Take(std::string key);
  // Whether an operation on `key` is running or waiting.
  bool Busy(std::string_view key) const { return waiters_->contains(key); }

 private:
  std::shared_ptr<Waiters> waiters_ = std::make_shared<Waiters>();
};

}  // namespace core
}  // namespace kpk::broker
