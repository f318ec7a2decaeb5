#include "broker/core/broker_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/core/cluster_properties.h"
#include "broker/core/partition_waiters.h"
#include "broker/net/asio.h"
#include "broker/storage/log_format.h"
#include "common/file_system.h"
#include "common/log.h"

namespace kpk::broker {
inline namespace core {
int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

BrokerState::BrokerState(BrokerConfig config, asio::io_context& io)
    : config_(std::move(config)),
      static_cluster_(config_.cluster),
      io_(io),
      waiters_(std::make_unique<PartitionWaiters>()) {}

BrokerState::~BrokerState() = default;

storage::LogConfig BrokerState::StorageDefaults() const {
  storage::LogConfig c;
  c.segment_bytes = config_.cluster.log_segment_size;
  c.segment_ms = config_.cluster.log_segment_ms;
  c.retention_ms = config_.cluster.log_retention_ms;
  c.retention_bytes = config_.cluster.retention_bytes;
  c.timestamp_type = config_.cluster.log_message_timestamp_type == "LogAppendTime"
                         ? protocol::TimestampType::kLogAppendTime
                         : protocol::TimestampType::kCreateTime;
  c.cleanup_delete = config_.cluster.log_cleanup_policy.find("delete") != std::string::npos;
  c.cleanup_compact = config_.cluster.log_cleanup_policy.find("compact") != std::string::npos;
  c.min_cleanable_dirty_ratio = config_.cluster.min_cleanable_dirty_ratio;
  c.delete_retention_ms = config_.cluster.delete_retention_ms;
  c.min_compaction_lag_ms = config_.cluster.min_compaction_lag_ms;
  c.max_compaction_lag_ms = config_.cluster.max_compaction_lag_ms;
  return c;
}

Status BrokerState::Open() {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_directory, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot create data directory {}: {}", config_.data_directory, ec.message()));
  }
  if (Status s = LoadBrokerOverrides(); !s.ok()) return s;
  storage::StorageOptions options;
  options.data_dir = config_.data_directory;
  options.fs = config_.file_system;
  options.developer_mode = config_.developer_mode;
  options.page_cache_tail_bytes = config_.page_cache_tail_bytes;
  options.defaults = StorageDefaults();
  options.warn = [](std::string_view line) { KPK_LOG_WARN("{}", line); };
  options.cleaner.interval_ms = config_.cluster.log_compaction_interval_ms;
  options.cleaner.io_max_bytes_per_second = config_.cluster.log_cleaner_io_max_bytes_per_second;
  options.cleaner.info = [](std::string_view line) { KPK_LOG_INFO("{}", line); };
  auto logs = storage::LogManager::Open(std::move(options));
  if (!logs) return logs.error();
  logs_ = std::move(*logs);
  logs_->flusher().SetSyncObserver([&metrics = metrics_](std::chrono::nanoseconds took) {
    metrics.fsync_latency.Record(took);
    metrics.fsyncs.fetch_add(1, std::memory_order_relaxed);
  });
  topics_ = std::make_unique<Topics>(*logs_, config_, worker_, turns_);
  return Status::OK();
}

Status BrokerState::Close() {
  worker_.Stop();
  return logs_ ? logs_->Close() : Status::OK();
}

FileSystem& BrokerState::fs() const {
  return config_.file_system ? *config_.file_system : *DefaultFileSystem();
}

namespace {

// The file's key for this broker's own overrides; the cluster-wide defaults are the top-level
// strings, as the whole file was before there were two levels.
constexpr const char* kNodeOverridesKey = "broker";

// The file's key for the config version (a number; the overrides are strings).
constexpr const char* kConfigVersionKey = "config_version";

// Applies the cluster defaults, then this broker's overrides, over `cluster`. Entries that no
// longer apply are reported, listed in `invalid` or `unknown`, and dropped.
void ApplyOverrides(BrokerOverrides& overrides, ClusterProperties& cluster, const std::string& path,
                    std::vector<std::string>& invalid, std::vector<std::string>& unknown) {
  for (ConfigOverrides* level : {&overrides.cluster_default, &overrides.node}) {
    for (auto it = level->begin(); it != level->end();) {
      if (Status s = ApplyStoredConfig(it->first, it->second, cluster); !s.ok()) {
        KPK_LOG_WARN("ignoring broker config {}={} from {}: {}", it->first, it->second, path,
                     s.message());
        bool known = FindClusterProperty(it->first) || CheckDynamicBrokerConfig(it->first).ok();
        (known ? invalid : unknown).push_back(PropertyNameOf(it->first));
        it = level->erase(it);
      } else {
        ++it;
      }
    }
  }
}

// Applies every override, in order of precedence, over `cluster`.
Status ApplyAll(const BrokerOverrides& overrides, ClusterProperties& cluster) {
  for (const ConfigOverrides* level : {&overrides.cluster_default, &overrides.node}) {
    for (const auto& [name, value] : *level) {
      if (Status s = ApplyStoredConfig(name, value, cluster); !s.ok()) return s;
    }
  }
  return Status::OK();
}

}  // namespace

Status BrokerState::LoadBrokerOverrides() {
  const std::string path =
      config_.data_directory + "/" + std::string(storage::format::kBrokerConfigFileName);
  std::ifstream in(path);
  if (!in) return Status::OK();
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return Status::Corruption(fmt::format("{} is not a JSON object", path));
  BrokerOverrides overrides;
  for (auto& [name, value] : j.items()) {
    if (name == kNodeOverridesKey && value.is_object()) {
      for (auto& [node_name, node_value] : value.items()) {
        if (node_value.is_string()) overrides.node[node_name] = node_value.get<std::string>();
      }
    } else if (name == kConfigVersionKey && value.is_number_integer()) {
      config_version_ = value.get<int64_t>();
    } else if (value.is_string()) {
      // Files from before the two levels hold per-broker-only configs at the top too.
      auto& level = IsPerBrokerConfig(name) ? overrides.node : overrides.cluster_default;
      level[name] = value.get<std::string>();
    }
  }
  ApplyOverrides(overrides, config_.cluster, path, invalid_configs_, unknown_configs_);
  broker_overrides_ = std::move(overrides);
  return Status::OK();
}

Awaitable<Status> BrokerState::SaveBrokerOverrides(const BrokerOverrides& overrides,
                                                   int64_t version) {
  nlohmann::json j = nlohmann::json::object();
  j[kConfigVersionKey] = version;
  for (const auto& [name, value] : overrides.cluster_default) j[name] = value;
  if (!overrides.node.empty()) {
    nlohmann::json& node = j[kNodeOverridesKey] = nlohmann::json::object();
    for (const auto& [name, value] : overrides.node) node[name] = value;
  }
  // Values come from clients: replace invalid UTF-8 rather than fail (dump would throw).
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // A named job, not a lambda written inside the co_await: gcc 12 destroys such a temporary's
  // captures twice (GCC PR 100611).
  auto write = [&fs = fs(),
                path = config_.data_directory + "/" +
                       std::string(storage::format::kBrokerConfigFileName),
                text = std::move(text), sync = !config_.developer_mode] {
    return WriteFileAtomically(fs, path, AsBytes(text), sync);
  };
  Status written = co_await RunBlocking(worker_, std::move(write));
  co_return written;
}

Awaitable<Status> BrokerState::SetBrokerConfigs(const AdminTurns::Turn& /*turn*/,
                                                bool cluster_default,
                                                std::vector<BrokerConfigChange> changes,
                                                bool validate_only) {
  BrokerOverrides overrides = broker_overrides_;
  ConfigOverrides& level = cluster_default ? overrides.cluster_default : overrides.node;
  for (const auto& [name, value] : changes) {
    if (value) {
      ClusterProperties scratch = static_cluster_;
      if (Status s = ApplyBrokerConfig(name, *value, scratch); !s.ok()) co_return s;
      level[name] = *value;
    } else {
      if (Status s = CheckDynamicBrokerConfig(name); !s.ok()) co_return s;
      level.erase(name);
    }
  }
  if (validate_only) co_return Status::OK();
  co_return co_await CommitOverrides(std::move(overrides));
}

Awaitable<Status> BrokerState::CommitOverrides(BrokerOverrides overrides) {
  if (overrides.node == broker_overrides_.node &&
      overrides.cluster_default == broker_overrides_.cluster_default) {
    co_return Status::OK();  // as Redpanda: a change to the same values is no new version
  }
  // Recomputed from the static values, so that removing this broker's override uncovers the
  // cluster default, and removing that the static value.
  ClusterProperties changed = static_cluster_;
  if (Status s = ApplyAll(overrides, changed); !s.ok()) co_return s;
  KeepRestartValues(config_.cluster, changed);
  // Persisted before applied: a change a client was told failed must not be in effect.
  if (Status s = co_await SaveBrokerOverrides(overrides, config_version_ + 1); !s.ok()) {
    co_return s;
  }
  ++config_version_;
  PublishBrokerConfigs(changed, std::move(overrides));
  co_return Status::OK();
}

ClusterProperties BrokerState::ConfiguredCluster() const {
  ClusterProperties configured = static_cluster_;
  // Entries that do not apply were dropped at load and are refused on change.
  (void)ApplyAll(broker_overrides_, configured);
  return configured;
}

std::vector<std::string> BrokerState::PendingRestart() const {
  return core::PendingRestart(config_.cluster, ConfiguredCluster());
}

Awaitable<BrokerState::ClusterConfigOutcome> BrokerState::PatchClusterConfig(
    ClusterConfigPatch patch, bool dry_run) {
  AdminTurns::Turn turn = co_await TakeBrokerConfigTurn();
  BrokerOverrides overrides = broker_overrides_;
  ClusterConfigOutcome outcome;
  outcome.errors = PatchClusterStore(patch, ConfiguredCluster(), overrides.cluster_default);
  if (!outcome.errors.empty() || dry_run) co_return outcome;
  outcome.status = co_await CommitOverrides(std::move(overrides));
  co_return outcome;
}

void BrokerState::PublishBrokerConfigs(const ClusterProperties& cluster,
                                       BrokerOverrides overrides) {
  config_.cluster = cluster;
  broker_overrides_ = std::move(overrides);
  // Topics without their own override follow the broker's defaults (log.retention.ms,
  // log.segment.bytes, log.message.timestamp.type, ...) from now on, not only after a restart.
  logs_->SetDefaults(StorageDefaults());
  logs_->cleaner().SetInterval(config_.cluster.log_compaction_interval_ms);
  logs_->cleaner().SetIoLimit(config_.cluster.log_cleaner_io_max_bytes_per_second);
}

}  // namespace core
}  // namespace kpk::broker
