#include "broker/core/partition_waiters.h"

namespace kpk::broker {
inline namespace core {

void PartitionWaiters::Add(const Key& partition, AsyncEvent* event) {
  waiters_[partition].insert(event);
  if (closed_) event->Close();
}

void PartitionWaiters::Remove(const Key& partition, AsyncEvent* event) {
  auto it = waiters_.find(partition);
  if (it == waiters_.end()) return;
  it->second.erase(event);
  if (it->second.empty()) waiters_.erase(it);
}

void PartitionWaiters::Notify(const Key& partition) {
  auto it = waiters_.find(partition);
  if (it == waiters_.end()) return;
  for (AsyncEvent* event : it->second) event->Notify();
}

void PartitionWaiters::CloseAll() {
  closed_ = true;
  for (auto& [partition, events] : waiters_) {
    for (AsyncEvent* event : events) event->Close();
  }
}

}  // namespace core
}  // namespace kpk::broker
