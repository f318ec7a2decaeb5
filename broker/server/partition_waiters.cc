#include "broker/server/partition_waiters.h"

namespace kpk::broker {

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

}  // namespace kpk::broker
