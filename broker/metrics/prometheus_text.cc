#include "broker/metrics/prometheus_text.h"

#include <fmt/core.h>

namespace kpk::broker {
inline namespace metrics {
namespace {

template <typename T>
void Append(std::string& out, const char* name, const char* type, const char* help, T value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

}  // namespace

void PrometheusText::Counter(const char* name, const char* help, uint64_t value) {
  Append(out_, name, "counter", help, value);
}

void PrometheusText::Gauge(const char* name, const char* help, double value) {
  Append(out_, name, "gauge", help, value);
}

void PrometheusText::Gauge(const char* name, const char* help, uint64_t value) {
  Append(out_, name, "gauge", help, value);
}

}  // namespace metrics
}  // namespace kpk::broker
