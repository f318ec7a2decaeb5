// GET /metrics and GET /public_metrics: the loop's part copied on the loop, formatted here.
#include <memory>

#include "broker/admin/admin_server.h"
#include "broker/admin/http_server.h"
#include "broker/admin/metrics_text.h"

namespace kpk::broker::admin {
namespace {

constexpr const char* kPrometheusText = "text/plain; version=0.0.4";

}  // namespace

void AdminServer::MetricsRoutes() {
  http_->Get("/metrics", [this](const HttpRequest&) {
    return HttpResponse{200, kPrometheusText, ScrapeMetrics(false), {}};
  });
  http_->Get("/public_metrics", [this](const HttpRequest&) {
    return HttpResponse{200, kPrometheusText, ScrapeMetrics(true), {}};
  });
}

std::string AdminServer::ScrapeMetrics(bool public_set) const {
  // Shared with the loop: if it answers too late, it fills a snapshot no one reads any more.
  auto snapshot = std::make_shared<MetricsSnapshot>();
  bool from_loop = false;
  if (metrics_source_) {
    from_loop = run_on_loop_([snapshot, source = metrics_source_] {
                  *snapshot = source();
                  return std::string("ok");
                }) == "ok";
  }
  MetricsInputs in{metrics_, from_loop ? snapshot.get() : nullptr, std::nullopt, std::nullopt};
  if (cleaner_totals_) in.cleaner = cleaner_totals_();
  if (public_set) {
    in.disk = StatDisk(config_.data_directory);
    return PublicMetricsText(in);
  }
  return InternalMetricsText(in);
}

}  // namespace kpk::broker::admin
