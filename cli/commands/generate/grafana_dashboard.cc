// kpk generate grafana-dashboard: a Grafana dashboard (JSON, importable) over the metrics a
// broker exports.
//
// --dashboard operations (the default) is kpk's own overview of the public metrics: request
// latency, traffic per topic, consumer group lag, connections, disk. rpk downloads its
// dashboards from GitHub; kpk builds this one in and downloads nothing. --dashboard legacy
// does what rpk's legacy mode does: it reads the families a metrics endpoint serves and makes
// one panel per family (rate for counters, 95th percentile for histograms, value for gauges).
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "cli/client/admin_client.h"
#include "cli/commands/generate/generate.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace generate {
namespace {

struct GrafanaOptions {
  std::string dashboard = "operations";
  std::string datasource;
  std::string metrics_endpoint;
  std::string job_name = "redpanda";
  bool job_name_given = false;
};

constexpr int kPanelWidth = 8;
constexpr int kPanelHeight = 8;
constexpr int kSchemaVersion = 39;

// Lays panels out in rows of three under row headers, numbering them.
class Layout {
 public:
  explicit Layout(std::string datasource_uid) : datasource_uid_(std::move(datasource_uid)) {}

  void Row(const std::string& title) {
    if (column_ != 0) NewLine();
    panels_.push_back({{"type", "row"},
                       {"id", ++id_},
                       {"title", title},
                       {"collapsed", false},
                       {"gridPos", {{"h", 1}, {"w", 24}, {"x", 0}, {"y", y_}}},
                       {"panels", Json::array()}});
    ++y_;
  }

  // One time series panel; each expr gets its own query (refId A, B, ...).
  void Panel(const std::string& title, const std::string& description, const std::string& unit,
             const std::vector<std::pair<std::string, std::string>>& exprs_and_legends) {
    Json targets = Json::array();
    char ref = 'A';
    for (const auto& [expr, legend] : exprs_and_legends) {
      targets.push_back({{"datasource", Datasource()},
                         {"expr", expr},
                         {"legendFormat", legend},
                         {"refId", std::string(1, ref++)}});
    }
    panels_.push_back(
        {{"type", "timeseries"},
         {"id", ++id_},
         {"title", title},
         {"description", description},
         {"datasource", Datasource()},
         {"gridPos",
          {{"h", kPanelHeight}, {"w", kPanelWidth}, {"x", column_ * kPanelWidth}, {"y", y_}}},
         {"fieldConfig", {{"defaults", {{"unit", unit}}}, {"overrides", Json::array()}}},
         {"options", {{"legend", {{"displayMode", "list"}, {"placement", "bottom"}}}}},
         {"targets", targets}});
    if (++column_ == 24 / kPanelWidth) NewLine();
  }

  Json Take() { return std::move(panels_); }

 private:
  Json Datasource() const { return {{"type", "prometheus"}, {"uid", datasource_uid_}}; }
  void NewLine() {
    column_ = 0;
    y_ += kPanelHeight;
  }

  std::string datasource_uid_;
  Json panels_ = Json::array();
  int id_ = 0;
  int column_ = 0;
  int y_ = 0;
};

// The PromQL pieces every expression shares.
struct Query {
  std::string job;
  std::string Selector(const std::string& extra = "") const {
    return fmt::format("{{job=\"{}\"{}{}}}", job, extra.empty() ? "" : ",", extra);
  }
  std::string Rate(const std::string& metric, const std::string& by,
                   const std::string& extra = "") const {
    return fmt::format("sum by ({}) (rate({}{}[$__rate_interval]))", by, metric, Selector(extra));
  }
  std::string Quantile(double q, const std::string& histogram, const std::string& extra) const {
    return fmt::format("histogram_quantile({}, sum by (le) (rate({}_bucket{}[$__rate_interval])))",
                       q, histogram, Selector(extra));
  }
};

void OperationsPanels(Layout& l, const Query& q) {
  const std::string latency = "redpanda_kafka_request_latency_seconds";
  l.Row("Kafka requests");
  l.Panel("Produce latency", "Produce requests, acks=all waits included", "s",
          {{q.Quantile(0.5, latency, "redpanda_request=\"produce\""), "p50"},
           {q.Quantile(0.99, latency, "redpanda_request=\"produce\""), "p99"}});
  l.Panel("Fetch latency", "Fetch requests, long-poll waits included", "s",
          {{q.Quantile(0.5, latency, "redpanda_request=\"consume\""), "p50"},
           {q.Quantile(0.99, latency, "redpanda_request=\"consume\""), "p99"}});
  l.Panel("Connections and request errors", "Open Kafka connections; malformed requests per second",
          "short",
          {{fmt::format("sum by (instance) (redpanda_rpc_active_connections{})", q.Selector()),
            "connections {{instance}}"},
           {q.Rate("redpanda_rpc_request_errors_total", "instance"), "errors/s {{instance}}"}});
  l.Row("Topics");
  const std::string bytes = "redpanda_kafka_request_bytes_total";
  l.Panel(
      "Bytes produced", "Per topic", "Bps",
      {{q.Rate(bytes, "redpanda_topic", "redpanda_request=\"produce\""), "{{redpanda_topic}}"}});
  l.Panel(
      "Bytes fetched", "Per topic", "Bps",
      {{q.Rate(bytes, "redpanda_topic", "redpanda_request=\"consume\""), "{{redpanda_topic}}"}});
  l.Panel(
      "Records", "Produced and fetched per topic", "short",
      {{q.Rate("redpanda_kafka_records_produced_total", "redpanda_topic"), "in {{redpanda_topic}}"},
       {q.Rate("redpanda_kafka_records_fetched_total", "redpanda_topic"),
        "out {{redpanda_topic}}"}});
  l.Panel("High watermark", "Per partition", "short",
          {{fmt::format("max by (redpanda_topic, redpanda_partition) (redpanda_kafka_max_offset{})",
                        q.Selector()),
            "{{redpanda_topic}}/{{redpanda_partition}}"}});
  l.Panel("Partitions", "Per topic, and under-replicated replicas", "short",
          {{fmt::format("max by (redpanda_topic) (redpanda_kafka_partitions{})", q.Selector()),
            "{{redpanda_topic}}"},
           {fmt::format("sum(redpanda_kafka_under_replicated_replicas{})", q.Selector()),
            "under-replicated"}});
  l.Row("Consumer groups");
  l.Panel("Lag", "Records past each group's committed offsets: largest partition and total",
          "short",
          {{fmt::format("max by (redpanda_group) (redpanda_kafka_consumer_group_lag_max{})",
                        q.Selector()),
            "max {{redpanda_group}}"},
           {fmt::format("sum by (redpanda_group) (redpanda_kafka_consumer_group_lag_sum{})",
                        q.Selector()),
            "sum {{redpanda_group}}"}});
  l.Panel("Committed offsets", "Per group and partition", "short",
          {{fmt::format("max by (redpanda_group, redpanda_topic, redpanda_partition) "
                        "(redpanda_kafka_consumer_group_committed_offset{})",
                        q.Selector()),
            "{{redpanda_group}} {{redpanda_topic}}/{{redpanda_partition}}"}});
  l.Panel("Consumers", "Members per group", "short",
          {{fmt::format("max by (redpanda_group) (redpanda_kafka_consumer_group_consumers{})",
                        q.Selector()),
            "{{redpanda_group}}"}});
  l.Row("Node");
  l.Panel(
      "Disk", "Data directory's file system", "bytes",
      {{fmt::format("redpanda_storage_disk_free_bytes{}", q.Selector()), "free {{instance}}"},
       {fmt::format("redpanda_storage_disk_total_bytes{}", q.Selector()), "total {{instance}}"}});
  l.Panel(
      "Uptime", "Per broker", "s",
      {{fmt::format("redpanda_application_uptime_seconds_total{}", q.Selector()), "{{instance}}"}});
  l.Panel("Cluster", "Brokers, topics and partitions", "short",
          {{fmt::format("max(redpanda_cluster_brokers{})", q.Selector()), "brokers"},
           {fmt::format("max(redpanda_cluster_topics{})", q.Selector()), "topics"},
           {fmt::format("max(redpanda_cluster_partitions{})", q.Selector()), "partitions"}});
}

struct Family {
  std::string type = "untyped";
  std::string help;
  std::set<std::string> labels;  // seen on its samples, without `le`
};

// The families of Prometheus text, from its TYPE and HELP lines and its samples' labels.
std::map<std::string, Family> ParseFamilies(std::string_view text) {
  std::map<std::string, Family> families;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.starts_with("# TYPE ") || line.starts_with("# HELP ")) {
      std::string_view body = line.substr(7);
      const size_t sp = body.find(' ');
      if (sp == std::string_view::npos) continue;
      Family& f = families[std::string(body.substr(0, sp))];
      (line[2] == 'T' ? f.type : f.help) = std::string(body.substr(sp + 1));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const size_t brace = line.find('{');
    const size_t space = line.find(' ');
    std::string name(line.substr(0, std::min(brace, space)));
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string_view s(suffix);
      if (name.ends_with(s) && families.contains(name.substr(0, name.size() - s.size())) &&
          families[name.substr(0, name.size() - s.size())].type == "histogram") {
        name.resize(name.size() - s.size());
        break;
      }
    }
    Family& f = families[name];
    if (brace == std::string_view::npos || brace > space) continue;
    // Label names: each one ends at '=' and its quoted value follows (escapes skipped).
    for (size_t i = brace + 1; i < line.size() && line[i] != '}';) {
      const size_t eq = line.find('=', i);
      if (eq == std::string_view::npos) break;
      std::string label(line.substr(i, eq - i));
      if (label != "le") f.labels.insert(label);
      size_t j = eq + 2;
      while (j < line.size() && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  return families;
}

// The row a family goes in: the word after its prefix ("redpanda_kafka_..." -> "kafka").
std::string RowOf(const std::string& name) {
  const size_t first = name.find('_');
  if (first == std::string::npos) return name;
  const size_t second = name.find('_', first + 1);
  return name.substr(first + 1,
                     second == std::string::npos ? std::string::npos : second - first - 1);
}

void LegacyPanels(Layout& l, const Query& q, const std::map<std::string, Family>& families) {
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& [name, f] : families) rows[RowOf(name)].push_back(name);
  for (const auto& [row, names] : rows) {
    l.Row(row);
    for (const std::string& name : names) {
      const Family& f = families.at(name);
      std::string by = "instance";
      std::string legend = "{{instance}}";
      for (const std::string& label : f.labels) {
        by += ", " + label;
        legend += fmt::format(" {{{{{}}}}}", label);
      }
      if (f.type == "counter") {
        l.Panel(name, f.help, "short", {{q.Rate(name, by), legend}});
      } else if (f.type == "histogram") {
        l.Panel(name, f.help, name.ends_with("_seconds") ? "s" : "µs",
                {{fmt::format("histogram_quantile(0.95, sum by (le, {}) "
                              "(rate({}_bucket{}[$__rate_interval])))",
                              by, name, q.Selector()),
                  "p95 " + legend}});
      } else {
        l.Panel(name, f.help, "short", {{fmt::format("{}{}", name, q.Selector()), legend}});
      }
    }
  }
}

Json Dashboard(const GrafanaOptions& opts, Json panels) {
  Json datasource_var = {{"name", "datasource"},
                         {"label", "Data source"},
                         {"type", "datasource"},
                         {"query", "prometheus"},
                         {"hide", 0}};
  if (!opts.datasource.empty()) {
    datasource_var["current"] = {{"text", opts.datasource}, {"value", opts.datasource}};
  }
  return {{"title", opts.dashboard == "legacy" ? "Redpanda" : "Redpanda operations (kpk)"},
          {"uid", opts.dashboard == "legacy" ? "kpk-legacy" : "kpk-operations"},
          {"tags", {"redpanda", "kpk"}},
          {"editable", true},
          {"schemaVersion", kSchemaVersion},
          {"version", 1},
          {"refresh", "30s"},
          {"timezone", "utc"},
          {"time", {{"from", "now-1h"}, {"to", "now"}}},
          {"templating", {{"list", Json::array({datasource_var})}}},
          {"panels", std::move(panels)}};
}

// http[s]://host:port/path, host:port/path or host:port (then /public_metrics).
bool SplitEndpoint(std::string url, std::string& address, bool& https, std::string& path) {
  https = url.starts_with("https://");
  if (url.starts_with("http://")) url = url.substr(7);
  if (https) url = url.substr(8);
  const size_t slash = url.find('/');
  path = slash == std::string::npos ? "/public_metrics" : url.substr(slash);
  address = url.substr(0, slash);
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) address += https ? ":443" : ":80";
  return !address.empty() && address.front() != ':';
}

int RunLegacy(GrafanaOptions opts, const Context& ctx, Layout& layout, const Query& q) {
  if (opts.metrics_endpoint.empty()) {
    Result<LoadedConfig> loaded = LoadConfig(ctx);
    if (!loaded) return Fail("load config", loaded.error());
    const auto& admin = loaded->connection.admin_hosts;
    opts.metrics_endpoint =
        fmt::format("http://{}/public_metrics", admin.empty() ? "127.0.0.1:9644" : admin[0]);
  }
  std::string address, path;
  bool https = false;
  if (!SplitEndpoint(opts.metrics_endpoint, address, https, path)) {
    return UsageError(fmt::format("invalid --metrics-endpoint \"{}\" (http://host:port/path)",
                                  opts.metrics_endpoint));
  }
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) return Fail("load config", loaded.error());
  // The endpoint is an Admin API address: the Admin API's credentials and TLS files apply.
  ConnectionConfig connection = loaded->connection;
  connection.admin_tls.enabled = https;
  Result<AdminResponse> reply = client::AdminClient(connection).SendTo(address, "GET", path);
  if (!reply) {
    return Fail(fmt::format("read the metrics at {}", opts.metrics_endpoint), reply.error());
  }
  if (!reply->ok()) {
    return Fail(fmt::format("read the metrics at {}", opts.metrics_endpoint),
                fmt::format("HTTP status {}", reply->status));
  }
  // prometheus-config scrapes /metrics as job <job-name>_internal.
  Query query = q;
  if (path != "/public_metrics" && !opts.job_name_given) query.job += "_internal";
  LegacyPanels(layout, query, ParseFamilies(reply->body));
  WriteStdout(Dashboard(opts, layout.Take()).dump(1) + "\n");
  return kExitOk;
}

int RunGrafanaDashboard(const GrafanaOptions& opts, const Context& ctx) {
  if (opts.dashboard == "help") {
    WriteStdout(
        "operations  An overview of a cluster from its public metrics: request latency, traffic\n"
        "            per topic, consumer group lag, connections, disk (built in).\n"
        "legacy      One panel per metric family that --metrics-endpoint serves.\n");
    return kExitOk;
  }
  Layout layout("${datasource}");
  const Query q{opts.job_name};
  if (opts.dashboard == "legacy") return RunLegacy(opts, ctx, layout, q);
  if (opts.dashboard != "operations") {
    return UsageError(
        fmt::format("unrecognized dashboard type name: \"{}\"; use --dashboard help for more info",
                    opts.dashboard));
  }
  OperationsPanels(layout, q);
  WriteStdout(Dashboard(opts, layout.Take()).dump(1) + "\n");
  return kExitOk;
}

}  // namespace

void RegisterGenerateGrafanaDashboard(CLI::App* generate, Context& ctx) {
  auto opts = std::make_shared<GrafanaOptions>();
  CLI::App* cmd = generate->add_subcommand("grafana-dashboard",
                                           "Generate a Grafana dashboard for redpanda metrics");
  cmd->footer(
      "Prints a dashboard (JSON) to import into Grafana. --dashboard operations (the default)\n"
      "is built in; --dashboard legacy reads the families --metrics-endpoint serves and makes\n"
      "one panel per family. --dashboard help lists them.");
  cmd->add_option("--dashboard", opts->dashboard,
                  "The dashboard to generate: operations, legacy; help lists them")
      ->capture_default_str();
  cmd->add_option("--datasource", opts->datasource,
                  "The name of the Prometheus datasource as configured in your grafana instance");
  cmd->add_option("--metrics-endpoint,--prometheus-url", opts->metrics_endpoint,
                  "The metrics endpoint legacy reads (default: the first admin host's "
                  "/public_metrics)");
  CLI::Option* job =
      cmd->add_option("--job-name", opts->job_name,
                      "The prometheus job name by which to identify the redpanda nodes (legacy "
                      "over /metrics: <job-name>_internal, as prometheus-config names it)")
          ->capture_default_str();
  OnRun(cmd, ctx, [opts, job, &ctx] {
    opts->job_name_given = job->count() > 0;
    return RunGrafanaDashboard(*opts, ctx);
  });
}

}  // namespace generate
}  // namespace commands
}  // namespace kpk::cli
