// The broker's own routes: what this node is (/v1/brokers, /v1/node_config), the cluster's
// identity (/v1/cluster/uuid) and the features it has (/v1/features).
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "broker/admin/admin_routes.h"
#include "broker/admin/health_overview.h"
#include "broker/admin/http_server.h"
#include "broker/storage/log_format.h"
#include "broker/storage/topic_metadata.h"
#include "common/bytes.h"
#include "common/file_system.h"
#include "common/log.h"

namespace kpk::broker::admin {
namespace {

using nlohmann::json;

// The data directory's disk, as the health overview judges it; zeros when it cannot be read
// (it may not exist yet).
json DiskSpaceJson(const std::string& path) {
  DiskSpace disk = StatDisk(path).value_or(DiskSpace{});
  return json::array({{{"path", path}, {"free", disk.free}, {"total", disk.total}}});
}

// kpk has one node and no partition movement, so maintenance has nothing to drain.
json MaintenanceStatus() {
  return {{"draining", false}, {"finished", false}, {"errors", false}, {"partitions", 0},
          {"eligible", 0},     {"transferring", 0}, {"failed", 0}};
}

// Redpanda's broker model. kpk has no internal RPC listener (there are no peers), so the
// address shown is the one clients reach this node on: its advertised Kafka address.
json BrokerJson(const BrokerConfig& config) {
  HostPort address = config.Advertised();
  unsigned cores = std::thread::hardware_concurrency();
  return {{"node_id", config.node_id},
          {"num_cores", cores == 0 ? 1 : cores},
          {"internal_rpc_address", address.host},
          {"internal_rpc_port", address.port},
          {"membership_status", "active"},
          {"is_alive", true},
          {"version", config.version},
          {"maintenance_status", MaintenanceStatus()},
          {"disk_space", DiskSpaceJson(config.data_directory)},
          {"recovery_mode_enabled", false}};
}

json Listener(const HostPort& address) {
  return json::array({{{"name", "internal"}, {"address", address.host}, {"port", address.port}}});
}

// The node's configuration under Redpanda's names (redpanda.yaml's `redpanda:` section).
json NodeConfigJson(const BrokerConfig& config) {
  return {{"node_id", config.node_id},
          {"data_directory", config.data_directory},
          {"developer_mode", config.developer_mode},
          {"rack", nullptr},
          {"kafka_api", Listener(config.kafka_api)},
          {"advertised_kafka_api", Listener(config.Advertised())},
          {"kafka_api_tls", json::array()},
          {"admin", Listener(config.admin)},
          {"admin_api_tls", json::array()},
          {"seed_servers", json::array()},
          {"empty_seed_starts_cluster", true}};
}

// The cluster's UUID: made the first time it is asked for and kept in the data directory, so
// it stays the same across restarts.
class ClusterUuid {
 public:
  explicit ClusterUuid(const BrokerConfig& config) : config_(config) {}

  Result<std::string> Get() {
    std::lock_guard lock(mutex_);
    if (!uuid_.empty()) return uuid_;
    FileSystem& fs = config_.file_system ? *config_.file_system : *DefaultFileSystem();
    std::string path = JoinPath(config_.data_directory, storage::format::kClusterUuidFileName);
    if (fs.Exists(path)) {
      Result<Bytes> text = ReadWholeFile(fs, path);
      if (!text) return Err(text.error());
      std::string id(AsChars(*text));
      while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
      if (!storage::UuidFromCanonical(id)) {
        return Err(Status::Corruption(fmt::format("{} does not hold a UUID", path)));
      }
      uuid_ = id;
      return uuid_;
    }
    std::string id = storage::UuidToCanonical(storage::NewTopicId());
    std::string line = id + "\n";
    Status s = WriteFileAtomically(fs, path, AsBytes(line), !config_.developer_mode);
    if (!s.ok()) return Err(s);
    KPK_LOG_INFO("cluster UUID {} (kept in {})", id, path);
    uuid_ = id;
    return uuid_;
  }

 private:
  const BrokerConfig& config_;
  std::mutex mutex_;
  std::string uuid_;
};

// The Redpanda features kpk really has. kpk's own numbering of its feature set: it grows
// when a feature is added.
constexpr int kClusterVersion = 1;

json FeaturesJson() {
  json features = json::array();
  for (const char* name : {"delete_records"}) {
    features.push_back({{"name", name}, {"state", "active"}, {"was_active", true}});
  }
  return {{"cluster_version", kClusterVersion},
          {"original_cluster_version", kClusterVersion},
          {"node_earliest_version", kClusterVersion},
          {"node_latest_version", kClusterVersion},
          {"features", features}};
}

std::optional<int32_t> ParseNodeId(const std::string& text) {
  int32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

}  // namespace

void AddBrokerRoutes(HttpServer& http, const RouteContext& context) {
  const BrokerConfig& config = context.config;
  http.Get("/v1/brokers", [&config](const HttpRequest&) {
    return HttpResponse::Json(json::array({BrokerJson(config)}).dump());
  });
  http.Get("/v1/brokers/{id}", [&config](const HttpRequest& request) {
    std::optional<int32_t> id = ParseNodeId(request.Param("id"));
    if (!id) {
      return HttpResponse::Error(400, fmt::format("invalid node id: {}", request.Param("id")));
    }
    if (*id != config.node_id) {
      return HttpResponse::Error(404, fmt::format("broker with id {} not found", *id));
    }
    return HttpResponse::Json(BrokerJson(config).dump());
  });
  auto uuid = std::make_shared<ClusterUuid>(config);
  http.Get("/v1/cluster/uuid", [uuid](const HttpRequest&) {
    Result<std::string> id = uuid->Get();
    if (!id) {
      return HttpResponse::Error(500, "cannot read the cluster UUID: " + id.error().ToString());
    }
    return HttpResponse::Json(json{{"cluster_uuid", *id}}.dump());
  });
  http.Get("/v1/node_config", [&config](const HttpRequest&) {
    return HttpResponse::Json(NodeConfigJson(config).dump());
  });
  http.Get("/v1/features",
           [](const HttpRequest&) { return HttpResponse::Json(FeaturesJson().dump()); });
}

}  // namespace kpk::broker::admin
