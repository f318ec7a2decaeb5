#include "broker/server/broker_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/server/asio.h"
#include "broker/server/log.h"
#include "broker/server/partition_waiters.h"

namespace kpk::broker {
namespace {

constexpr const char* kBrokerOverridesFile = "broker_config.json";

// Writes `text` to `path` so that a crash leaves either the old or the new file.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "open " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) return Status::FromErrno(err, "write " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno(errno, "rename " + tmp);
  std::string dir = std::filesystem::path(path).parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

}  // namespace

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
  options.developer_mode = config_.developer_mode;
  options.defaults = StorageDefaults();
  options.warn = [](std::string_view line) { KPK_LOG_WARN("{}", line); };
  auto logs = storage::LogManager::Open(std::move(options));
  if (!logs) return logs.error();
  logs_ = std::move(*logs);
  topics_ = std::make_unique<Topics>(*logs_, config_);
  return Status::OK();
}

Status BrokerState::Close() { return logs_ ? logs_->Close() : Status::OK(); }

Status BrokerState::LoadBrokerOverrides() {
  const std::string path = config_.data_directory + "/" + kBrokerOverridesFile;
  std::ifstream in(path);
  if (!in) return Status::OK();
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return Status::Corruption(fmt::format("{} is not a JSON object", path));
  for (auto& [name, value] : j.items()) {
    if (!value.is_string()) continue;
    std::string v = value.get<std::string>();
    if (Status s = ApplyBrokerConfig(name, v, static_cluster_, config_.cluster); !s.ok()) {
      KPK_LOG_WARN("ignoring broker config {}={} from {}: {}", name, v, path, s.message());
      continue;
    }
    broker_overrides_[name] = v;
  }
  return Status::OK();
}

Status BrokerState::SaveBrokerOverrides() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : broker_overrides_) j[name] = value;
  return WriteFileAtomically(config_.data_directory + "/" + kBrokerOverridesFile, j.dump(2) + "\n");
}

Status BrokerState::SetBrokerConfig(std::string_view name, const std::optional<std::string>& value,
                                    bool validate_only) {
  ClusterProperties changed = config_.cluster;
  if (Status s = ApplyBrokerConfig(name, value, static_cluster_, changed); !s.ok()) return s;
  if (validate_only) return Status::OK();
  config_.cluster = changed;
  // Topics without their own override follow the broker's defaults (log.retention.ms,
  // log.segment.bytes, log.message.timestamp.type, ...) from now on, not only after a restart.
  logs_->SetDefaults(StorageDefaults());
  if (value) {
    broker_overrides_[std::string(name)] = *value;
  } else {
    broker_overrides_.erase(std::string(name));
  }
  return SaveBrokerOverrides();
}

}  // namespace kpk::broker
