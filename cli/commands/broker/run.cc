// `kpk broker run`: the dev broker in the foreground, logging to stderr, until SIGINT/SIGTERM.
#include <unistd.h>

#include <fmt/core.h>

#include "broker/broker.h"
#include "cli/build_info.h"
#include "cli/commands/broker/broker.h"
#include "cli/commands/dev/dev_instance.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace commands {
inline namespace broker {
namespace {

struct RunOptions {
  std::string config_file;
  std::string data_dir;
  int32_t node_id = -1;
  std::string kafka_addr;
  std::string advertise_kafka_addr;
  std::string admin_addr;
  bool developer_mode = false;
  bool auto_create_topics = false;
  int32_t group_initial_rebalance_delay_ms = -1;  // -1: the config file's, else 3000
  std::string instance_file;  // for `kpk dev`: where to record pid and addresses once listening
};

Status ApplyAddress(const std::string& text, ::kpk::broker::HostPort& out) {
  if (text.empty()) return Status::OK();
  auto hp = ::kpk::broker::ParseHostPort(text);
  if (!hp) return hp.error();
  out = *hp;
  return Status::OK();
}

Result<::kpk::broker::BrokerConfig> BuildConfig(const RunOptions& o) {
  ::kpk::broker::BrokerConfig config;
  config.version = fmt::format("v{} - {}", BuildVersion(), BuildCommit());
  if (!o.config_file.empty()) {
    if (Status s = ::kpk::broker::LoadBrokerConfigFile(o.config_file, config); !s.ok())
      return Err(s);
  }
  if (!o.data_dir.empty()) config.data_directory = o.data_dir;
  if (o.node_id >= 0) config.node_id = o.node_id;
  if (o.developer_mode) config.developer_mode = true;
  if (o.auto_create_topics) config.cluster.auto_create_topics_enabled = true;
  if (o.group_initial_rebalance_delay_ms >= 0) {
    config.cluster.group_initial_rebalance_delay_ms = o.group_initial_rebalance_delay_ms;
  }
  if (Status s = ApplyAddress(o.kafka_addr, config.kafka_api); !s.ok()) return Err(s);
  if (Status s = ApplyAddress(o.advertise_kafka_addr, config.advertised_kafka_api); !s.ok()) {
    return Err(s);
  }
  if (Status s = ApplyAddress(o.admin_addr, config.admin); !s.ok()) return Err(s);
  return config;
}

int Run(const RunOptions& options, const Context& ctx) {
  if (ctx.global.verbose) SetLogLevel(LogLevel::kDebug);
  auto config = BuildConfig(options);
  if (!config) {
    fmt::print(stderr, "unable to configure broker: {}\n", config.error().message());
    return kExitUsage;
  }
  const std::string kafka_host = config->kafka_api.host;
  const std::string admin_host = config->admin.host;
  const int node_id = config->node_id;
  ::kpk::broker::Broker broker(std::move(*config));
  if (Status s = broker.Start(); !s.ok()) {
    fmt::print(stderr, "unable to start broker: {}\n", s.message());
    return kExitFailure;
  }
  if (!options.instance_file.empty()) {
    dev::Instance instance{static_cast<int>(getpid()), node_id,
                           ::kpk::broker::HostPort{kafka_host, broker.kafka_port()}.ToString(),
                           ::kpk::broker::HostPort{admin_host, broker.admin_port()}.ToString()};
    if (Status s = dev::WriteInstanceFile(options.instance_file, instance); !s.ok()) {
      fmt::print(stderr, "unable to write {}: {}\n", options.instance_file, s.message());
    }
  }
  broker.Run();
  return kExitOk;
}

}  // namespace

void RegisterBrokerRun(CLI::App& broker, Context& ctx) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = broker.add_subcommand(
      "run", "Run the broker in the foreground until SIGINT or SIGTERM (logs go to stderr)");
  cmd->add_option("--config", options->config_file,
                  "redpanda.yaml-shaped config file (flags override it)");
  cmd->add_option("--data-dir", options->data_dir, "Data directory (default ./kpk-data)");
  cmd->add_option("--node-id", options->node_id, "Node id (default 0)");
  cmd->add_option("--kafka-addr", options->kafka_addr,
                  "Kafka listener HOST:PORT (default 127.0.0.1:9092; port 0 picks a free one)");
  cmd->add_option("--advertise-kafka-addr", options->advertise_kafka_addr,
                  "Address clients are told to connect to (default: the listener)");
  cmd->add_option("--admin-addr", options->admin_addr,
                  "Admin API HOST:PORT (default 127.0.0.1:9644)");
  cmd->add_flag("--developer-mode", options->developer_mode,
                "Skip fsync: faster, but a crash can lose acknowledged writes");
  cmd->add_flag("--auto-create-topics", options->auto_create_topics,
                "Create topics on first use (auto_create_topics_enabled)");
  cmd->add_option("--group-initial-rebalance-delay-ms", options->group_initial_rebalance_delay_ms,
                  "How long a new consumer group waits for more members before its first "
                  "assignment (group_initial_rebalance_delay; default 3000, kpk dev start: 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--instance-file", options->instance_file,
                  "Write pid and addresses here once listening (used by kpk dev)")
      ->group("");
  OnRun(cmd, ctx, [options, &ctx] { return Run(*options, ctx); });
}

}  // namespace broker
}  // namespace commands
}  // namespace kpk::cli
