#include "broker/admin/admin_server.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/admin/cluster_config_routes.h"
#include "broker/admin/health_overview.h"
#include "broker/admin/http_server.h"

namespace kpk::broker::admin {

AdminServer::AdminServer(const BrokerConfig& config, const BrokerMetrics& metrics,
                         LoopRunner run_on_loop)
    : config_(config),
      metrics_(metrics),
      run_on_loop_(std::move(run_on_loop)),
      route_context_{config, run_on_loop_,
                     [this]() -> const Topics* { return state_ ? &state_->topics() : nullptr; }},
      http_(std::make_unique<HttpServer>()) {
  Routes();
}

AdminServer::~AdminServer() { Stop(); }

Status AdminServer::Listen(const HostPort& address) {
  if (Status st = http_->Listen(address); !st.ok()) return st;
  port_ = http_->port();
  return Status::OK();
}

void AdminServer::Start() { http_->Start(); }

void AdminServer::Stop() { http_->Stop(); }

void AdminServer::Routes() {
  http_->Get("/v1/status/ready", [this](const HttpRequest&) {
    if (ready_) return HttpResponse::Json(R"({"status":"ready"})");
    return HttpResponse::Json(R"({"status":"booting"})", 503);
  });
  MetricsRoutes();
  AddBrokerRoutes(*http_, route_context_);
  AddPartitionRoutes(*http_, route_context_);
  AddLoggerRoutes(*http_);
  http_->Get("/v1/cluster/health_overview", [this](const HttpRequest&) {
    // The data directory is fixed at startup; the disk is asked here, off the event loop.
    auto disk = StatDisk(config_.data_directory);
    std::string body = run_on_loop_([this, disk] { return HealthOverviewJson(*state_, disk); });
    if (body.empty()) return HttpResponse::Error(503, "the broker did not answer in time");
    return HttpResponse::Json(std::move(body));
  });
  AddClusterConfigRoutes(*http_, [this](StateTask task) { return RunWithState(std::move(task)); });
}

HttpResponse AdminServer::RunWithState(StateTask task) const {
  if (!run_with_state_) return HttpResponse::Error(503, "the broker is not serving yet");
  return run_with_state_(std::move(task));
}

}  // namespace kpk::broker::admin
