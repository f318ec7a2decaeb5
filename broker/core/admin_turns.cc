#include "broker/core/admin_turns.h"

namespace kpk::broker {
inline namespace core {

AdminTurns::Turn::~Turn() {
  if (!waiters_) return;  // moved from
  auto it = waiters_->find(key_);
  if (it == waiters_->end()) return;
  if (it->second.empty()) {
    waiters_->erase(it);
    return;
  }
  // Handed over: the key stays busy for the next in line.
  std::shared_ptr<AsyncEvent> next = std::move(it->second.front());
  it->second.pop_front();
  next->Notify();
}

Awaitable<AdminTurns::Turn> AdminTurns::Take(std::string key) {
  auto it = waiters_->find(key);
  if (it == waiters_->end()) {
    waiters_->emplace(key, std::deque<std::shared_ptr<AsyncEvent>>{});
    co_return Turn(waiters_, std::move(key));
  }
  auto event = std::make_shared<AsyncEvent>(co_await asio::this_coro::executor);
  it->second.push_back(event);
  co_await event->Wait();
  co_return Turn(waiters_, std::move(key));
}

}  // namespace core
}  // namespace kpk::broker
