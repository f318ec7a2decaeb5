// Prometheus' text exposition format: each metric as its HELP and TYPE lines, then its value.
#pragma once

#include <cstdint>
#include <string>

namespace kpk::broker {
inline namespace metrics {

class PrometheusText {
 public:
  void Counter(const char* name, const char* help, uint64_t value);
  void Gauge(const char* name, const char* help, double value);
  void Gauge(const char* name, const char* help, uint64_t value);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

}  // namespace metrics
}  // namespace kpk::broker
