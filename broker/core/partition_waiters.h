// Fetch long-polls: a fetch that has too little data registers an event on every partition it
// reads and sleeps until one of them gets an append or its max wait runs out, so a consumer
// sees a new record within microseconds instead of at the end of its fetch.max.wait.ms.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "broker/net/async_event.h"

namespace kpk::broker {
inline namespace core {

class PartitionWaiters {
 public:
  using Key = std::pair<std::string, int32_t>;

  void Add(const Key& partition, AsyncEvent* event);
  void Remove(const Key& partition, AsyncEvent* event);
  // Wakes every fetch waiting on `partition`.
  void Notify(const Key& partition);
  // At shutdown: closes every waiting fetch's event (and those added later), so each answers
  // with what it has now instead of keeping the broker alive until its max wait runs out.
  void CloseAll();

 private:
  std::map<Key, std::set<AsyncEvent*>> waiters_;
  bool closed_ = false;
};

// Registers `event` on a set of partitions for the lifetime of the object.
class ScopedWaits {
 public:
  ScopedWaits(PartitionWaiters& waiters, AsyncEvent& event) : waiters_(waiters), event_(event) {}
  ~ScopedWaits() {
    for (const auto& key : keys_) waiters_.Remove(key, &event_);
  }
  ScopedWaits(const ScopedWaits&) = delete;
  ScopedWaits& operator=(const ScopedWaits&) = delete;

  void Add(PartitionWaiters::Key key) {
    waiters_.Add(key, &event_);
    keys_.push_back(std::move(key));
  }

 private:
  PartitionWaiters& waiters_;
  AsyncEvent& event_;
  std::vector<PartitionWaiters::Key> keys_;
};

}  // namespace core
}  // namespace kpk::broker
