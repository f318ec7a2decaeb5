#include "broker/admin/admin_server.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/admin/http_server.h"

namespace kpk::broker::admin {

AdminServer::AdminServer(const BrokerConfig& config, const BrokerMetrics& metrics,
                         LoopRunner run_on_loop)
    : config_(config),
      metrics_(metrics),
      run_on_loop_(std::move(run_on_loop)),
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
    if (ready_) return HttpResponse{200, "application/json", R"({"status":"ready"})"};
    return HttpResponse{503, "application/json", R"({"status":"booting"})"};
  });
  MetricsRoutes();
  http_->Get("/v1/node_config", [this](const HttpRequest&) {
    nlohmann::json j = {{"node_id", config_.node_id},
                        {"data_directory", config_.data_directory},
                        {"developer_mode", config_.developer_mode}};
    return HttpResponse{200, "application/json", j.dump()};
  });
}

}  // namespace kpk::broker::admin
