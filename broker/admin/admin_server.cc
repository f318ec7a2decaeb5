#include "broker/admin/admin_server.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/admin/http_server.h"

namespace kpk::broker {

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
  auto metrics = [this](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4", MetricsText()};
  };
  http_->Get("/metrics", metrics);
  http_->Get("/public_metrics", metrics);
  http_->Get("/v1/node_config", [this](const HttpRequest&) {
    nlohmann::json j = {{"node_id", config_.node_id},
                        {"data_directory", config_.data_directory},
                        {"developer_mode", config_.developer_mode}};
    return HttpResponse{200, "application/json", j.dump()};
  });
}

std::string AdminServer::MetricsText() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
  };
  counter("kpk_kafka_requests_total", "Kafka requests handled", metrics_.requests.load());
  counter("kpk_kafka_produced_bytes_total", "Record batch bytes appended",
          metrics_.produced_bytes.load());
  counter("kpk_kafka_produced_batches_total", "Record batches appended",
          metrics_.produced_batches.load());
  counter("kpk_kafka_fetched_bytes_total", "Record bytes returned by fetches",
          metrics_.fetched_bytes.load());
  counter("kpk_kafka_connections_accepted_total", "Kafka connections accepted",
          metrics_.connections_accepted.load());
  counter("kpk_storage_fsyncs_total", "fdatasync calls", metrics_.fsyncs.load());
  out += fmt::format(
      "# HELP kpk_kafka_connections Open Kafka connections\n"
      "# TYPE kpk_kafka_connections gauge\nkpk_kafka_connections {}\n",
      metrics_.connections_open.load());
  return out;
}

}  // namespace kpk::broker
