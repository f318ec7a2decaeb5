// kpk generate prometheus-config: the scrape configs (YAML) Prometheus needs for every broker's
// Admin API, as rpk prints them: /public_metrics, and /metrics with --internal-metrics.
//
// Targets: --node-addrs as given; otherwise every broker the Admin API lists (GET /v1/brokers
// on the first configured admin host that answers: each broker's address at that host's
// port); failing that, or with --seed-addr, every broker the Kafka metadata names (asked of
// --seed-addr, or of the configured brokers) at the Admin API port of the first configured
// admin host (9644 unless -X admin.hosts says otherwise), as rpk does.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "cli/client/admin_client.h"
#include "cli/client/kafka_client.h"
#include "cli/commands/generate/generate.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace generate {
namespace {

struct PrometheusOptions {
  std::string job_name = "redpanda";
  std::vector<std::string> node_addrs;
  std::string seed_addr;
  bool internal_metrics = false;
  std::vector<std::string> labels;
  std::string ca_file, cert_file, key_file;
};

using LabelSet = std::map<std::string, std::string>;

// "pub:name=value" or "int:name=value": a label for the public or the internal scrape config.
Status ParseLabels(const std::vector<std::string>& flags, LabelSet& pub, LabelSet& internal) {
  for (const std::string& flag : flags) {
    const size_t colon = flag.find(':');
    const size_t eq = flag.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || eq == std::string::npos || eq == colon + 1) {
      return Status::InvalidArgument(fmt::format(
          "unable to parse label \"{}\", is not in the format [metric:labelName=labelValue]",
          flag));
    }
    const std::string metric = flag.substr(0, colon);
    LabelSet* target = metric == "pub" ? &pub : metric == "int" ? &internal : nullptr;
    if (target == nullptr) {
      return Status::InvalidArgument(
          fmt::format("unable to parse label \"{}\": metric must be pub or int", flag));
    }
    (*target)[flag.substr(colon + 1, eq - colon - 1)] = flag.substr(eq + 1);
  }
  return Status::OK();
}

// "host:port" split; a missing port is `default_port`.
std::pair<std::string, int> SplitHostPort(const std::string& address, int default_port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return {address, default_port};
  return {address.substr(0, colon), std::atoi(address.c_str() + colon + 1)};
}

// The brokers the Admin API lists, at the port of the admin host that answered; nothing when
// no admin host serves /v1/brokers (`why` then says what the last one answered).
std::optional<std::vector<std::string>> AdminApiTargets(const ConnectionConfig& connection,
                                                        std::string& why) {
  client::AdminClient admin(connection);
  for (const std::string& address : connection.admin_hosts) {
    const int port = SplitHostPort(address, 9644).second;
    Result<AdminResponse> reply = admin.SendTo(address, "GET", "/v1/brokers");
    if (!reply || !reply->ok()) {
      why = fmt::format(
          "{}/v1/brokers: {}", address,
          reply ? fmt::format("HTTP status {}", reply->status) : reply.error().message());
      continue;
    }
    Json brokers = Json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
    if (!brokers.is_array() || brokers.empty()) {
      why = fmt::format("{}/v1/brokers: not a list of brokers", address);
      continue;
    }
    std::vector<std::string> targets;
    for (const Json& b : brokers) {
      const Json* rpc = b.is_object() && b.contains("internal_rpc_address")
                            ? &b["internal_rpc_address"]
                            : nullptr;
      if (rpc == nullptr || !rpc->is_string() || rpc->get<std::string>().empty()) {
        targets.clear();
        break;
      }
      std::string target = fmt::format("{}:{}", rpc->get<std::string>(), port);
      if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
        targets.push_back(std::move(target));
      }
    }
    if (!targets.empty()) return targets;
  }
  return std::nullopt;
}

// The Admin API's broker list, else the brokers' hosts from the Kafka metadata at the admin
// port.
Result<std::vector<std::string>> DiscoverTargets(const Context& ctx, const std::string& seed) {
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) return Err(loaded.error());
  ConnectionConfig connection = loaded->connection;
  std::string admin_failure;
  if (seed.empty()) {
    std::string why;
    if (auto targets = AdminApiTargets(connection, why)) return *targets;
    admin_failure = fmt::format(" (nor from the Admin API: {})", why);
  } else {
    auto [host, port] = SplitHostPort(seed, 9092);
    connection.brokers = {fmt::format("{}:{}", host, port)};
  }
  const int admin_port =
      connection.admin_hosts.empty() ? 9644 : SplitHostPort(connection.admin_hosts[0], 9644).second;
  Result<client::Client> client = client::Client::Open(connection, {});
  if (!client) return Err(Status::Unavailable(client.error().message() + admin_failure));
  Result<client::ClusterMetadata> md = client->Metadata(false);
  if (!md) return Err(Status::Unavailable(md.error().message() + admin_failure));
  std::vector<std::string> targets;
  std::set<std::string> seen;
  for (const client::BrokerInfo& b : md->brokers) {
    std::string target = fmt::format("{}:{}", b.host, admin_port);
    if (seen.insert(target).second) targets.push_back(std::move(target));
  }
  return targets;
}

Json ScrapeConfig(const PrometheusOptions& opts, const std::string& job_name,
                  const std::vector<std::string>& targets, const LabelSet& labels,
                  const char* path) {
  Json static_config = {{"targets", targets}};
  if (!labels.empty()) static_config["labels"] = labels;
  Json config = {{"job_name", job_name},
                 {"static_configs", Json::array({static_config})},
                 {"metrics_path", path}};
  Json tls = Json::object();
  if (!opts.ca_file.empty()) tls["ca_file"] = opts.ca_file;
  if (!opts.cert_file.empty()) tls["cert_file"] = opts.cert_file;
  if (!opts.key_file.empty()) tls["key_file"] = opts.key_file;
  if (!tls.empty()) {
    config["scheme"] = "https";
    config["tls_config"] = tls;
  }
  return config;
}

int RunPrometheusConfig(const PrometheusOptions& opts, const Context& ctx) {
  LabelSet pub, internal;
  if (Status s = ParseLabels(opts.labels, pub, internal); !s.ok()) return UsageError(s.message());
  std::vector<std::string> targets = opts.node_addrs;
  if (targets.empty()) {
    Result<std::vector<std::string>> found = DiscoverTargets(ctx, opts.seed_addr);
    if (!found) return Fail("discover the cluster's brokers", found.error());
    targets = std::move(*found);
  }
  Json configs = Json::array({ScrapeConfig(opts, opts.job_name, targets, pub, "/public_metrics")});
  if (opts.internal_metrics) {
    // rpk names both jobs alike, which Prometheus refuses ("found multiple scrape configs
    // with job name"); the internal one gets its own name.
    configs.push_back(
        ScrapeConfig(opts, opts.job_name + "_internal", targets, internal, "/metrics"));
  }
  WriteStdout(ToYaml(configs));
  return kExitOk;
}

}  // namespace

void RegisterGeneratePrometheusConfig(CLI::App* generate, Context& ctx) {
  auto opts = std::make_shared<PrometheusOptions>();
  CLI::App* cmd = generate->add_subcommand(
      "prometheus-config", "Generate the Prometheus configuration to scrape Redpanda nodes");
  cmd->footer(
      "Prints scrape configs (YAML) for every broker's Admin API: /public_metrics, and also\n"
      "/metrics with --internal-metrics (job <job-name>_internal). Paste them under\n"
      "scrape_configs in prometheus.yml.\n"
      "Without --node-addrs the brokers come from the Admin API (GET /v1/brokers on the\n"
      "configured admin hosts) or, when it does not list them or with --seed-addr, from the\n"
      "Kafka metadata (of --seed-addr, or of the configured brokers), at the port of the first\n"
      "configured admin host (default 9644).");
  cmd->add_option("--job-name", opts->job_name,
                  "The prometheus job name by which to identify the Redpanda nodes")
      ->capture_default_str();
  cmd->add_option("--node-addrs", opts->node_addrs, "Comma-separated list of admin API host:ports")
      ->delimiter(',');
  cmd->add_option("--seed-addr", opts->seed_addr,
                  "The URL of a Redpanda node with which to discover the rest");
  cmd->add_flag("--internal-metrics", opts->internal_metrics,
                "Include scrape config for internal metrics (/metrics)");
  cmd->add_option("--labels", opts->labels,
                  "Comma-separated labels and their target metric (int or pub): "
                  "[metric:labelName=labelValue, ...]")
      ->delimiter(',');
  cmd->add_option("--ca-file", opts->ca_file,
                  "CA certificate Prometheus verifies the brokers with");
  cmd->add_option("--cert-file", opts->cert_file, "Certificate Prometheus presents to the brokers");
  cmd->add_option("--key-file", opts->key_file, "Key of the certificate Prometheus presents");
  OnRun(cmd, ctx, [opts, &ctx] { return RunPrometheusConfig(*opts, ctx); });
}

}  // namespace generate
}  // namespace commands
}  // namespace kpk::cli
