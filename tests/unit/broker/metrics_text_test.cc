#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "broker/metrics/histogram.h"
#include "broker/metrics/prometheus_text.h"

namespace kpk::broker {
namespace {

using std::chrono::microseconds;

uint64_t Bucket(const LatencyHistogram::Snapshot& s, size_t i) { return s.buckets[i]; }

TEST_CASE("latency histogram: a duration lands in the first bucket whose bound holds it") {
  LatencyHistogram h;
  h.Record(microseconds(0));            // <= 16
  h.Record(microseconds(16));           // <= 16
  h.Record(microseconds(17));           // <= 32
  h.Record(microseconds(1000));         // <= 1024
  h.Record(std::chrono::seconds(100));  // past the last bound, 33.55 s
  const auto s = h.Read();
  CHECK(Bucket(s, 0) == 2);
  CHECK(Bucket(s, 1) == 1);
  CHECK(LatencyHistogram::BoundUs(6) == 1024);
  CHECK(Bucket(s, 6) == 1);
  CHECK(Bucket(s, LatencyHistogram::kFiniteBuckets) == 1);
  CHECK(s.count == 5);
  CHECK(s.sum_us == 0 + 16 + 17 + 1000 + 100'000'000);
}

TEST_CASE("prometheus text: HELP and TYPE once per family, labels escaped") {
  PrometheusText out;
  out.Family("x_total", "counter", "a help\\text\nwith a newline");
  out.Sample("x_total", {{"group", "a\"b\\c\nd"}, {"topic", "t"}}, uint64_t{3});
  out.Family("x_total", "counter", "announced again");
  out.Sample("x_total", {}, int64_t{-1});
  CHECK(out.text() ==
        "# HELP x_total a help\\\\text\\nwith a newline\n"
        "# TYPE x_total counter\n"
        "x_total{group=\"a\\\"b\\\\c\\nd\",topic=\"t\"} 3\n"
        "x_total -1\n");
}

TEST_CASE("prometheus text: histograms are cumulative with +Inf equal to the count") {
  LatencyHistogram h;
  h.Record(microseconds(10));
  h.Record(microseconds(20));
  h.Record(microseconds(20));
  PrometheusText out;
  out.Family("lat_seconds", "histogram", "latency");
  out.Histogram("lat_seconds", {{"handler", "produce"}}, h.Read(), 1e6);
  const std::string& text = out.text();
  CHECK(text.find("lat_seconds_bucket{handler=\"produce\",le=\"1.6e-05\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("lat_seconds_bucket{handler=\"produce\",le=\"3.2e-05\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("lat_seconds_bucket{handler=\"produce\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_seconds_sum{handler=\"produce\"} 5e-05\n") != std::string::npos);
  CHECK(text.find("lat_seconds_count{handler=\"produce\"} 3\n") != std::string::npos);
}

}  // namespace
}  // namespace kpk::broker
