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

namespace {

// One metric in Prometheus text: its HELP and TYPE lines, then its value.
template <typename T>
void Metric(std::string& out, const char* name, const char* type, const char* help, T value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

// The log cleaner's progress, with names after Kafka's LogCleaner metrics.
void CleanerMetrics(const storage::CleanerTotals& t, std::string& out) {
  auto metric = [&out](const char* name, const char* type, const char* help, auto value) {
    Metric(out, name, type, help, value);
  };
  metric("kpk_log_cleaner_rounds_total", "counter", "Rounds of the log cleaner", t.rounds);
  metric("kpk_log_cleaner_cleaned_partitions_total", "counter", "Partitions compacted",
         t.partitions_cleaned);
  metric("kpk_log_cleaner_failures_total", "counter", "Compactions that failed", t.failures);
  metric("kpk_log_cleaner_read_bytes_total", "counter", "Bytes the cleaner read", t.bytes_read);
  metric("kpk_log_cleaner_written_bytes_total", "counter", "Bytes the cleaner wrote",
         t.bytes_written);
  metric("kpk_log_cleaner_removed_bytes_total", "counter", "Bytes compaction freed",
         t.bytes_removed);
  metric("kpk_log_cleaner_removed_records_total", "counter", "Records compaction removed",
         t.records_removed);
  metric("kpk_log_cleaner_last_dirty_ratio", "gauge",
         "Dirty share of the partition cleaned last, before its clean", t.last_dirty_ratio);
  metric("kpk_log_cleaner_last_clean_timestamp_seconds", "gauge",
         "Wall-clock time of the last clean", static_cast<double>(t.last_clean_ms) / 1000);
}

}  // namespace

std::string AdminServer::MetricsText() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t value) {
    Metric(out, name, "counter", help, value);
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
  if (cleaner_totals_) CleanerMetrics(cleaner_totals_(), out);
  Metric(out, "kpk_kafka_connections", "gauge", "Open Kafka connections",
         metrics_.connections_open.load());
  return out;
}

}  // namespace kpk::broker
