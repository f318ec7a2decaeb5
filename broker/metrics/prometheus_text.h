// Prometheus' text exposition format (version 0.0.4): each family's HELP and TYPE lines once,
// then its samples, label values escaped; histograms as cumulative `_bucket{le=...}` samples
// with `_sum` and `_count`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "broker/metrics/histogram.h"

namespace kpk::broker {
inline namespace metrics {

struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::initializer_list<Label>;

class PrometheusText {
 public:
  // Starts a family; a family started before is not announced again. `type` is "counter",
  // "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, uint64_t value);
  void Sample(std::string_view name, Labels labels, int64_t value);
  void Sample(std::string_view name, Labels labels, double value);
  // A histogram family's samples; bucket bounds and the sum are in microseconds divided by
  // `us_per_unit` (1e6 for seconds, 1 for microseconds).
  void Histogram(std::string_view name, Labels labels, const LatencyHistogram::Snapshot& h,
                 double us_per_unit);

  // One-sample families without labels.
  void Counter(std::string_view name, std::string_view help, uint64_t value);
  void Gauge(std::string_view name, std::string_view help, double value);
  void Gauge(std::string_view name, std::string_view help, uint64_t value);

  const std::string& text() const { return out_; }

  // Label values escape backslash, double quote and newline; HELP text backslash and newline.
  static std::string EscapeLabelValue(std::string_view value);
  static std::string EscapeHelp(std::string_view help);

 private:
  void Start(std::string_view name, Labels labels, const Label* extra = nullptr);

  std::string out_;
  std::set<std::string, std::less<>> families_;
};

}  // namespace metrics
}  // namespace kpk::broker
