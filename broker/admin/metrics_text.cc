#include "broker/admin/metrics_text.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>
#include <tuple>

#include "broker/metrics/prometheus_text.h"

namespace kpk::broker::admin {
namespace {

// Every topic is a Kafka topic; Redpanda's internal topics live in other namespaces.
constexpr std::string_view kNamespace = "kafka";
constexpr double kMicrosPerSecond = 1e6;
constexpr double kMicros = 1;

double UptimeSeconds(const BrokerMetrics& m) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m.started).count();
}

const PartitionSample* FindPartition(const MetricsSnapshot& s, const std::string& topic,
                                     int32_t partition) {
  auto it =
      std::lower_bound(s.partitions.begin(), s.partitions.end(), std::pair(topic, partition),
                       [](const PartitionSample& p, const auto& key) {
                         return std::tie(p.topic, p.partition) < std::tie(key.first, key.second);
                       });
  if (it == s.partitions.end() || it->topic != topic || it->partition != partition) return nullptr;
  return &*it;
}

// A group's lag on one partition: the high watermark past its committed offset. Nothing when
// it has committed nothing there or the partition is gone.
std::optional<int64_t> Lag(const MetricsSnapshot& s, const GroupOffsetSample& o) {
  if (o.committed < 0) return std::nullopt;
  const PartitionSample* p = FindPartition(s, o.topic, o.partition);
  if (p == nullptr) return std::nullopt;
  return std::max<int64_t>(0, p->high_watermark - o.committed);
}

uint64_t Load(const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); }

template <typename Field>
void HandlerCounters(PrometheusText& out, const BrokerMetrics& m, std::string_view name,
                     std::string_view help, Field field) {
  out.Family(name, "counter", help);
  for (const ApiMetrics& api : m.apis) {
    if (!api.name.empty()) out.Sample(name, {{"handler", api.name}}, Load(api.*field));
  }
}

void HandlerMetrics(PrometheusText& out, const BrokerMetrics& m) {
  HandlerCounters(out, m, "vectorized_kafka_handler_requests_completed_total",
                  "Number of kafka requests completed", &ApiMetrics::completed);
  HandlerCounters(out, m, "vectorized_kafka_handler_requests_errored_total",
                  "Number of kafka requests errored", &ApiMetrics::errored);
  HandlerCounters(out, m, "vectorized_kafka_handler_received_bytes_total",
                  "Number of bytes received from kafka requests", &ApiMetrics::received_bytes);
  HandlerCounters(out, m, "vectorized_kafka_handler_sent_bytes_total",
                  "Number of bytes sent in kafka replies", &ApiMetrics::sent_bytes);
  constexpr std::string_view latency = "vectorized_kafka_handler_latency_microseconds";
  out.Family(latency, "histogram", "Latency histogram of kafka requests");
  for (const ApiMetrics& api : m.apis) {
    if (!api.name.empty())
      out.Histogram(latency, {{"handler", api.name}}, api.latency.Read(), kMicros);
  }
}

void KpkTotals(PrometheusText& out, const BrokerMetrics& m) {
  out.Counter("kpk_kafka_requests_total", "Kafka requests handled", Load(m.requests));
  out.Counter("kpk_kafka_produced_bytes_total", "Record batch bytes appended",
              Load(m.produced_bytes));
  out.Counter("kpk_kafka_produced_batches_total", "Record batches appended",
              Load(m.produced_batches));
  out.Counter("kpk_kafka_fetched_bytes_total", "Record bytes returned by fetches",
              Load(m.fetched_bytes));
  out.Counter("kpk_kafka_connections_accepted_total", "Kafka connections accepted",
              Load(m.connections_accepted));
  out.Gauge("kpk_kafka_connections", "Open Kafka connections", Load(m.connections_open));
  out.Counter("kpk_storage_fsyncs_total", "fdatasync calls of partition segments", Load(m.fsyncs));
  out.Family("kpk_storage_fsync_latency_seconds", "histogram",
             "Time one fdatasync of a partition's active segment took (the group-commit flusher)");
  out.Histogram("kpk_storage_fsync_latency_seconds", {}, m.fsync_latency.Read(), kMicrosPerSecond);
}

// The log cleaner's progress, with names after Kafka's LogCleaner metrics.
void CleanerMetrics(PrometheusText& out, const storage::CleanerTotals& t) {
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

void InternalPartitions(PrometheusText& out, const MetricsSnapshot& s) {
  struct Gauge {
    std::string_view name, help;
    int64_t PartitionSample::*field;
  };
  for (const Gauge& g : {Gauge{"vectorized_cluster_partition_high_watermark",
                               "Partition high watermark (highest consumable offset)",
                               &PartitionSample::high_watermark},
                         Gauge{"vectorized_cluster_partition_start_offset", "start offset",
                               &PartitionSample::start_offset}}) {
    out.Family(g.name, "gauge", g.help);
    for (const PartitionSample& p : s.partitions) {
      const std::string partition = std::to_string(p.partition);
      out.Sample(g.name, {{"namespace", kNamespace}, {"topic", p.topic}, {"partition", partition}},
                 p.*g.field);
    }
  }
  // Redpanda's partition_probe: two counters without the _total suffix, two with it.
  struct Counter {
    std::string_view name, help;
    uint64_t Traffic::*field;
  };
  for (const Counter& c :
       {Counter{"vectorized_cluster_partition_records_produced", "Total number of records produced",
                &Traffic::produced_records},
        Counter{"vectorized_cluster_partition_records_fetched", "Total number of records fetched",
                &Traffic::fetched_records},
        Counter{"vectorized_cluster_partition_bytes_produced_total",
                "Total number of bytes produced", &Traffic::produced_bytes},
        Counter{"vectorized_cluster_partition_bytes_fetched_total",
                "Total number of bytes fetched (not all might be returned to the client)",
                &Traffic::fetched_bytes}}) {
    out.Family(c.name, "counter", c.help);
    for (const PartitionSample& p : s.partitions) {
      const std::string partition = std::to_string(p.partition);
      out.Sample(c.name, {{"namespace", kNamespace}, {"topic", p.topic}, {"partition", partition}},
                 p.traffic.*c.field);
    }
  }
  constexpr std::string_view size = "vectorized_storage_log_partition_size";
  out.Family(size, "gauge", "Current size of partition in bytes");
  for (const PartitionSample& p : s.partitions) {
    const std::string partition = std::to_string(p.partition);
    out.Sample(size, {{"namespace", kNamespace}, {"topic", p.topic}, {"partition", partition}},
               p.size_bytes);
  }
}

void InternalGroups(PrometheusText& out, const MetricsSnapshot& s) {
  if (s.groups.empty()) return;  // as Redpanda: no group metrics without groups
  constexpr std::string_view offset = "vectorized_kafka_group_offset";
  constexpr std::string_view lag = "kpk_kafka_consumer_group_lag";
  out.Family(offset, "gauge", "Group topic partition offset");
  for (const GroupSample& g : s.groups) {
    for (const GroupOffsetSample& o : g.offsets) {
      const std::string partition = std::to_string(o.partition);
      out.Sample(offset, {{"group", g.id}, {"topic", o.topic}, {"partition", partition}},
                 o.committed);
    }
  }
  out.Family(lag, "gauge",
             "Records of the partition past the group's committed offset (high watermark minus "
             "committed offset)");
  for (const GroupSample& g : s.groups) {
    for (const GroupOffsetSample& o : g.offsets) {
      if (auto l = Lag(s, o)) {
        const std::string partition = std::to_string(o.partition);
        out.Sample(lag, {{"group", g.id}, {"topic", o.topic}, {"partition", partition}}, *l);
      }
    }
  }
}

void PublicTopics(PrometheusText& out, const MetricsSnapshot& s) {
  out.Family("redpanda_cluster_brokers", "gauge", "Number of configured brokers in the cluster");
  out.Sample("redpanda_cluster_brokers", {}, uint64_t{1});
  out.Family("redpanda_cluster_topics", "gauge", "Number of topics in the cluster");
  out.Sample("redpanda_cluster_topics", {}, static_cast<uint64_t>(s.topics.size()));
  out.Family("redpanda_cluster_partitions", "gauge",
             "Number of partitions in the cluster (replicas not included)");
  out.Sample("redpanda_cluster_partitions", {}, static_cast<uint64_t>(s.partitions.size()));

  out.Family("redpanda_kafka_partitions", "gauge", "Configured number of partitions for the topic");
  for (const TopicSample& t : s.topics) {
    out.Sample("redpanda_kafka_partitions",
               {{"redpanda_namespace", kNamespace}, {"redpanda_topic", t.name}},
               static_cast<int64_t>(t.partitions));
  }
  out.Family("redpanda_kafka_replicas", "gauge", "Configured number of replicas for the topic");
  for (const TopicSample& t : s.topics) {
    out.Sample("redpanda_kafka_replicas",
               {{"redpanda_namespace", kNamespace}, {"redpanda_topic", t.name}},
               static_cast<int64_t>(t.replicas));
  }
  constexpr std::string_view bytes = "redpanda_kafka_request_bytes_total";
  out.Family(bytes, "counter", "Total number of bytes produced or fetched per topic");
  for (const TopicSample& t : s.topics) {
    out.Sample(bytes,
               {{"redpanda_namespace", kNamespace},
                {"redpanda_topic", t.name},
                {"redpanda_request", "produce"}},
               t.traffic.produced_bytes);
    out.Sample(bytes,
               {{"redpanda_namespace", kNamespace},
                {"redpanda_topic", t.name},
                {"redpanda_request", "consume"}},
               t.traffic.fetched_bytes);
  }
  out.Family("redpanda_kafka_records_produced_total", "counter",
             "Total number of records produced");
  for (const TopicSample& t : s.topics) {
    out.Sample("redpanda_kafka_records_produced_total",
               {{"redpanda_namespace", kNamespace}, {"redpanda_topic", t.name}},
               t.traffic.produced_records);
  }
  out.Family("redpanda_kafka_records_fetched_total", "counter", "Total number of records fetched");
  for (const TopicSample& t : s.topics) {
    out.Sample("redpanda_kafka_records_fetched_total",
               {{"redpanda_namespace", kNamespace}, {"redpanda_topic", t.name}},
               t.traffic.fetched_records);
  }
}

void PublicPartitions(PrometheusText& out, const MetricsSnapshot& s) {
  out.Family("redpanda_kafka_max_offset", "gauge",
             "Latest readable offset of the partition (i.e. high watermark)");
  for (const PartitionSample& p : s.partitions) {
    const std::string partition = std::to_string(p.partition);
    out.Sample("redpanda_kafka_max_offset",
               {{"redpanda_namespace", kNamespace},
                {"redpanda_topic", p.topic},
                {"redpanda_partition", partition}},
               p.high_watermark);
  }
  // One replica per partition, always in sync.
  out.Family("redpanda_kafka_under_replicated_replicas", "gauge",
             "Number of under replicated replicas (i.e. replicas that are live, but not at the "
             "latest offset)");
  for (const PartitionSample& p : s.partitions) {
    const std::string partition = std::to_string(p.partition);
    out.Sample("redpanda_kafka_under_replicated_replicas",
               {{"redpanda_namespace", kNamespace},
                {"redpanda_topic", p.topic},
                {"redpanda_partition", partition}},
               uint64_t{0});
  }
}

void PublicGroups(PrometheusText& out, const MetricsSnapshot& s) {
  if (s.groups.empty()) return;
  constexpr std::string_view committed = "redpanda_kafka_consumer_group_committed_offset";
  out.Family(committed, "gauge", "Consumer group committed offset");
  for (const GroupSample& g : s.groups) {
    for (const GroupOffsetSample& o : g.offsets) {
      const std::string partition = std::to_string(o.partition);
      out.Sample(committed,
                 {{"redpanda_group", g.id},
                  {"redpanda_topic", o.topic},
                  {"redpanda_partition", partition}},
                 o.committed);
    }
  }
  out.Family("redpanda_kafka_consumer_group_consumers", "gauge", "Number of consumers in a group");
  for (const GroupSample& g : s.groups) {
    out.Sample("redpanda_kafka_consumer_group_consumers", {{"redpanda_group", g.id}},
               static_cast<uint64_t>(g.members));
  }
  out.Family("redpanda_kafka_consumer_group_topics", "gauge", "Number of topics in a group");
  for (const GroupSample& g : s.groups) {
    std::vector<std::string_view> topics;
    for (const GroupOffsetSample& o : g.offsets) topics.push_back(o.topic);
    std::sort(topics.begin(), topics.end());
    const auto distinct = std::unique(topics.begin(), topics.end()) - topics.begin();
    out.Sample("redpanda_kafka_consumer_group_topics", {{"redpanda_group", g.id}},
               static_cast<int64_t>(distinct));
  }
  // A family's samples must be contiguous: one pass per family.
  struct Aggregate {
    std::string_view name, help;
    bool max;
  };
  for (const Aggregate& a : {Aggregate{"redpanda_kafka_consumer_group_lag_max",
                                       "Largest lag of the group over its partitions", true},
                             Aggregate{"redpanda_kafka_consumer_group_lag_sum",
                                       "Sum of the group's lag over its partitions", false}}) {
    out.Family(a.name, "gauge", a.help);
    for (const GroupSample& g : s.groups) {
      int64_t value = 0;
      for (const GroupOffsetSample& o : g.offsets) {
        const int64_t l = Lag(s, o).value_or(0);
        value = a.max ? std::max(value, l) : value + l;
      }
      out.Sample(a.name, {{"redpanda_group", g.id}}, value);
    }
  }
}

}  // namespace

std::string InternalMetricsText(const MetricsInputs& in) {
  PrometheusText out;
  const BrokerMetrics& m = in.metrics;
  out.Gauge("vectorized_application_uptime", "Redpanda uptime in milliseconds",
            UptimeSeconds(m) * 1000);
  out.Gauge("vectorized_kafka_rpc_active_connections", "kafka_rpc: Currently active connections",
            Load(m.connections_open));
  HandlerMetrics(out, m);
  KpkTotals(out, m);
  if (in.cleaner) CleanerMetrics(out, *in.cleaner);
  if (in.loop) {
    InternalPartitions(out, *in.loop);
    InternalGroups(out, *in.loop);
  }
  return out.text();
}

std::string PublicMetricsText(const MetricsInputs& in) {
  PrometheusText out;
  const BrokerMetrics& m = in.metrics;
  // A gauge in Redpanda despite its _total suffix; declared a counter here, which it is (it
  // only grows), so that Prometheus' linter (promtool check metrics) accepts the name.
  out.Family("redpanda_application_uptime_seconds_total", "counter", "Redpanda uptime in seconds");
  out.Sample("redpanda_application_uptime_seconds_total", {}, UptimeSeconds(m));
  out.Family("redpanda_rpc_active_connections", "gauge", "Count of currently active connections");
  out.Sample("redpanda_rpc_active_connections", {{"redpanda_server", "kafka"}},
             Load(m.connections_open));
  uint64_t errors = 0;
  for (const ApiMetrics& api : m.apis) errors += Load(api.errored);
  out.Family("redpanda_rpc_request_errors_total", "counter", "Number of rpc errors");
  out.Sample("redpanda_rpc_request_errors_total", {{"redpanda_server", "kafka"}}, errors);
  constexpr std::string_view latency = "redpanda_kafka_request_latency_seconds";
  out.Family(latency, "histogram", "Internal latency of kafka produce and consume requests");
  if (const ApiMetrics* produce = m.Api(0)) {
    out.Histogram(latency, {{"redpanda_request", "produce"}}, produce->latency.Read(),
                  kMicrosPerSecond);
  }
  if (const ApiMetrics* fetch = m.Api(1)) {
    out.Histogram(latency, {{"redpanda_request", "consume"}}, fetch->latency.Read(),
                  kMicrosPerSecond);
  }
  if (in.disk) {
    out.Gauge("redpanda_storage_disk_total_bytes", "Total size of attached storage, in bytes.",
              in.disk->total);
    out.Gauge("redpanda_storage_disk_free_bytes", "Disk storage bytes free.", in.disk->free);
  }
  if (in.loop) {
    PublicTopics(out, *in.loop);
    PublicPartitions(out, *in.loop);
    PublicGroups(out, *in.loop);
  }
  return out.text();
}

}  // namespace kpk::broker::admin
