#include "broker/metrics/prometheus_text.h"

#include <fmt/core.h>

namespace kpk::broker {
inline namespace metrics {
namespace {

std::string Escape(std::string_view in, bool quotes) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string PrometheusText::EscapeLabelValue(std::string_view value) { return Escape(value, true); }

std::string PrometheusText::EscapeHelp(std::string_view help) { return Escape(help, false); }

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  if (families_.contains(name)) return;
  families_.emplace(name);
  out_ += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n", name, EscapeHelp(help), type);
}

void PrometheusText::Start(std::string_view name, Labels labels, const Label* extra) {
  out_ += name;
  if (labels.size() == 0 && extra == nullptr) {
    out_ += ' ';
    return;
  }
  char sep = '{';
  auto add = [&](const Label& l) {
    out_ += sep;
    out_ += l.name;
    out_ += "=\"";
    out_ += EscapeLabelValue(l.value);
    out_ += '"';
    sep = ',';
  };
  for (const Label& l : labels) add(l);
  if (extra) add(*extra);
  out_ += "} ";
}

void PrometheusText::Sample(std::string_view name, Labels labels, uint64_t value) {
  Start(name, labels);
  out_ += fmt::format("{}\n", value);
}

void PrometheusText::Sample(std::string_view name, Labels labels, int64_t value) {
  Start(name, labels);
  out_ += fmt::format("{}\n", value);
}

void PrometheusText::Sample(std::string_view name, Labels labels, double value) {
  Start(name, labels);
  out_ += fmt::format("{}\n", value);
}

void PrometheusText::Histogram(std::string_view name, Labels labels,
                               const LatencyHistogram::Snapshot& h, double us_per_unit) {
  const std::string bucket = fmt::format("{}_bucket", name);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    cumulative += h.buckets[i];
    const std::string le =
        i < LatencyHistogram::kFiniteBuckets
            ? fmt::format("{}", static_cast<double>(LatencyHistogram::BoundUs(i)) / us_per_unit)
            : std::string("+Inf");
    const Label le_label{"le", le};
    Start(bucket, labels, &le_label);
    out_ += fmt::format("{}\n", cumulative);
  }
  Start(fmt::format("{}_sum", name), labels);
  out_ += fmt::format("{}\n", static_cast<double>(h.sum_us) / us_per_unit);
  Start(fmt::format("{}_count", name), labels);
  out_ += fmt::format("{}\n", cumulative);
}

void PrometheusText::Counter(std::string_view name, std::string_view help, uint64_t value) {
  Family(name, "counter", help);
  Sample(name, {}, value);
}

void PrometheusText::Gauge(std::string_view name, std::string_view help, double value) {
  Family(name, "gauge", help);
  Sample(name, {}, value);
}

void PrometheusText::Gauge(std::string_view name, std::string_view help, uint64_t value) {
  Family(name, "gauge", help);
  Sample(name, {}, value);
}

}  // namespace metrics
}  // namespace kpk::broker
