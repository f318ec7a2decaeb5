#include "broker/admin/admin_server.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/admin/cluster_config_routes.h"
#include "broker/admin/http_server.h"
#include "broker/metrics/prometheus_text.h"

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
    if (ready_) return HttpResponse::Json(R"({"status":"ready"})");
    return HttpResponse::Json(R"({"status":"booting"})", 503);
  });
  auto metrics = [this](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4", MetricsText(), {}};
  };
  http_->Get("/metrics", metrics);
  http_->Get("/public_metrics", metrics);
  http_->Get("/v1/node_config", [this](const HttpRequest&) {
    nlohmann::json j = {{"node_id", config_.node_id},
                        {"data_directory", config_.data_directory},
                        {"developer_mode", config_.developer_mode}};
    return HttpResponse::Json(j.dump());
  });
  AddClusterConfigRoutes(*http_, [this](StateTask task) { return RunWithState(std::move(task)); });
}

HttpResponse AdminServer::RunWithState(StateTask task) const {
  if (!run_with_state_) return HttpResponse::Error(503, "the broker is not serving yet");
  return run_with_state_(std::move(task));
}

namespace {

// The log cleaner's progress, with names after Kafka's LogCleaner metrics.
void CleanerMetrics(const storage::CleanerTotals& t, PrometheusText& out) {
  out.Counter("kpk_log_cleaner_rounds_total", "Rounds of the log cleaner", t.rounds);
  out.Counter("kpk_log_cleaner_cleaned_partitions_total", "Partitions compacted",
              t.partitions_cleaned);
  out.Counter("kpk_log_cleaner_failures_total", "Compactions that failed", t.failures);
  out.Counter("kpk_log_cleaner_read_bytes_total", "Bytes the cleaner read", t.bytes_read);
  out.Counter("kpk_log_cleaner_written_bytes_total", "Bytes the cleaner wrote", t.bytes_written);
  out.Counter("kpk_log_cleaner_removed_bytes_total", "Bytes compaction freed", t.bytes_removed);
  out.Counter("kpk_log_cleaner_removed_records_total", "Records compaction removed",
              t.records_removed);
  out.Gauge("kpk_log_cleaner_last_dirty_ratio",
            "Dirty share of the partition cleaned last, before its clean", t.last_dirty_ratio);
  out.Gauge("kpk_log_cleaner_last_clean_timestamp_seconds", "Wall-clock time of the last clean",
            static_cast<double>(t.last_clean_ms) / 1000);
}

}  // namespace

std::string AdminServer::MetricsText() const {
  PrometheusText out;
  out.Counter("kpk_kafka_requests_total", "Kafka requests handled", metrics_.requests.load());
  out.Counter("kpk_kafka_produced_bytes_total", "Record batch bytes appended",
              metrics_.produced_bytes.load());
  out.Counter("kpk_kafka_produced_batches_total", "Record batches appended",
              metrics_.produced_batches.load());
  out.Counter("kpk_kafka_fetched_bytes_total", "Record bytes returned by fetches",
              metrics_.fetched_bytes.load());
  out.Counter("kpk_kafka_connections_accepted_total", "Kafka connections accepted",
              metrics_.connections_accepted.load());
  out.Counter("kpk_storage_fsyncs_total", "fdatasync calls", metrics_.fsyncs.load());
  if (cleaner_totals_) CleanerMetrics(cleaner_totals_(), out);
  out.Gauge("kpk_kafka_connections", "Open Kafka connections", metrics_.connections_open.load());
  return out.text();
}

}  // namespace kpk::broker::admin
