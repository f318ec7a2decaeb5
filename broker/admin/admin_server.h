// The HTTP Admin API, in Redpanda's shape, on its own thread (see http_server.h).
//
// It never touches broker state directly: readiness and counters are atomics, and anything
// else is asked of the event loop through `run_on_loop`, which runs a function there and waits.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "broker/admin/admin_routes.h"
#include "broker/admin/metrics_snapshot.h"
#include "broker/admin/state_runner.h"
#include "broker/core/broker_config.h"
#include "broker/metrics/broker_metrics.h"
#include "broker/storage/log_cleaner.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace core {
class BrokerState;
}
}  // namespace kpk::broker

namespace kpk::broker::admin {

class HttpServer;

class AdminServer {
 public:
  // Runs `fn` on the broker's event loop and returns its result; used for state queries.
  using LoopRunner = std::function<std::string(std::function<std::string()> fn)>;

  AdminServer(const BrokerConfig& config, const BrokerMetrics& metrics, LoopRunner run_on_loop);
  ~AdminServer();

  Status Listen(const HostPort& address);
  uint16_t port() const { return port_; }
  void Start();
  void Stop();
  void SetReady(bool ready) { ready_ = ready; }
  // Where /metrics reads the log cleaner's totals; set before Start().
  void SetCleanerTotals(std::function<storage::CleanerTotals()> totals) {
    cleaner_totals_ = std::move(totals);
  }
  // The broker state the routes read, only inside run_on_loop; set before Start().
  void SetState(BrokerState& state) { state_ = &state; }
  // How routes run work on the event loop with the broker's state; set before Start().
  void SetStateRunner(StateRunner runner) { run_with_state_ = std::move(runner); }
  // What /metrics asks the event loop for at each scrape (topics, partitions, groups); set
  // before Start().
  void SetMetricsSource(MetricsSource source) { metrics_source_ = std::move(source); }

 private:
  void Routes();
  // GET /metrics and /public_metrics (metrics_routes.cc).
  void MetricsRoutes();
  std::string ScrapeMetrics(bool public_set) const;
  HttpResponse RunWithState(StateTask task) const;

  const BrokerConfig& config_;
  const BrokerMetrics& metrics_;
  LoopRunner run_on_loop_;
  std::function<storage::CleanerTotals()> cleaner_totals_;
  RouteContext route_context_;
  BrokerState* state_ = nullptr;
  MetricsSource metrics_source_;
  StateRunner run_with_state_;
  std::unique_ptr<HttpServer> http_;
  uint16_t port_ = 0;
  std::atomic<bool> ready_{false};
};

}  // namespace kpk::broker::admin
