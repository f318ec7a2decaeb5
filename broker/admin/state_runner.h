// How an Admin API route (on the HTTP thread) runs work on the broker's event loop with the
// broker's state, including work that waits (a config change is persisted before it answers).
#pragma once

#include <functional>

#include "broker/admin/http_server.h"
#include "broker/core/broker_state.h"
#include "broker/net/asio.h"

namespace kpk::broker::admin {

// Runs on the event loop; its response is the route's.
using StateTask = std::function<Awaitable<HttpResponse>(BrokerState&)>;
// Runs a task on the event loop and waits for it (a 503 when the loop does not answer).
using StateRunner = std::function<HttpResponse(StateTask)>;

// A task's answer computed at once, on the loop.
inline Awaitable<HttpResponse> Ready(HttpResponse response) { co_return response; }

}  // namespace kpk::broker::admin
