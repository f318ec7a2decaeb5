#include "broker/core/durability.h"

#include "broker/net/async_event.h"

namespace kpk::broker {
inline namespace core {
namespace {

// Shared between the waiting coroutine and the flusher callbacks, which may outlive it.
struct Pending {
  explicit Pending(const asio::any_io_executor& ex, size_t n) : event(ex), remaining(n) {}
  AsyncEvent event;
  size_t remaining;
  Status first_error;
};

}  // namespace

Awaitable<Status> WaitDurable(BrokerState& state, std::vector<DurableTarget> targets) {
  if (state.config().developer_mode || targets.empty()) co_return Status::OK();
  auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(executor, targets.size());
  for (auto& target : targets) {
    state.logs().flusher().RequestDurable(target.log, target.end_offset,
                                          [pending, executor](const Status& s) {
                                            // Runs on the flusher thread: hand the result to the
                                            // event loop.
                                            asio::post(executor, [pending, s] {
                                              if (!s.ok() && pending->first_error.ok())
                                                pending->first_error = s;
                                              if (--pending->remaining == 0)
                                                pending->event.Notify();
                                            });
                                          });
  }
  co_await pending->event.Wait();
  co_return pending->first_error;
}

Awaitable<Status> AwaitCompletion(std::function<void(CompletionCallback)> start) {
  auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(executor, 1);
  start([pending, executor](const Status& s) {
    asio::post(executor, [pending, s] {
      pending->first_error = s;
      pending->event.Notify();
    });
  });
  co_await pending->event.Wait();
  co_return pending->first_error;
}

}  // namespace core
}  // namespace kpk::broker
