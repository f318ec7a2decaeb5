// Waiting, on the event loop, for appends to reach the disk (acks=-1).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "broker/core/broker_state.h"
#include "broker/net/asio.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace core {

struct DurableTarget {
  std::shared_ptr<storage::PartitionLog> log;
  int64_t end_offset;  // every offset below this must be durable
};

// Asks the group-commit flusher for every target and resumes when all are on disk. Returns the
// first failure, if any. In developer mode returns at once.
Awaitable<Status> WaitDurable(BrokerState& state, std::vector<DurableTarget> targets);

// Starts an operation that reports its result through a callback on another thread (such as a
// flusher), and resumes the calling coroutine on the event loop with that result.
using CompletionCallback = std::function<void(const Status&)>;
Awaitable<Status> AwaitCompletion(std::function<void(CompletionCallback)> start);

}  // namespace core
}  // namespace kpk::broker
