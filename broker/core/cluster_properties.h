// The cluster configuration as Redpanda's Admin API shows it (/v1/cluster_config): one table of
// the cluster properties kpk honours, in Redpanda's names, with their JSON types and schema.
//
// There is one store for them: the cluster-wide dynamic broker configs (BrokerOverrides::
// cluster_default, persisted in broker_config.json). A property Kafka also has as a dynamic
// broker config (log_retention_ms is log.retention.ms) is stored under its Kafka name in Kafka's
// text form, so DescribeConfigs and AlterConfigs see and change the same value; the others are
// stored under their Redpanda name as JSON text, out of Kafka's reach.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker/core/broker_config.h"
#include "broker/core/config_catalog.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace core {

struct ClusterPropertySpec {
  std::string_view name = {};        // Redpanda's name
  std::string_view kafka_name = {};  // the Kafka dynamic broker config it is; empty: none
  std::string_view type = {};        // "integer", "boolean", "string" or "number"
  std::string_view description = {};
  bool needs_restart = false;            // read once at startup: a change waits for the next start
  std::string_view visibility = "user";  // or "tunable" (rpk shows those with --all)
  std::string_view units = {};           // "ms", "bytes"; empty: none
  std::string_view example = {};
  std::vector<std::string_view> enum_values = {};
  bool nullable = false;
  nlohmann::json (*get)(const ClusterProperties&) = nullptr;
  // Checks the type and range of a JSON value (a string is parsed as rpk sends scalars) and
  // sets it; the message is the per-property error of a 400.
  Status (*set)(const nlohmann::json&, ClusterProperties&) = nullptr;
};

// Every cluster property, sorted by name. Adding a property is one row in the .cc.
const std::vector<ClusterPropertySpec>& ClusterPropertySpecs();
const ClusterPropertySpec* FindClusterProperty(std::string_view name);

// The key a property has in the store.
std::string_view StoreKey(const ClusterPropertySpec& spec);
// The property stored under `key` (its Redpanda name), or `key` for another broker config.
std::string PropertyNameOf(std::string_view key);

// Applies one store entry (a Kafka broker config, or a Redpanda-only property) to `cluster`.
Status ApplyStoredConfig(std::string_view key, std::string_view value, ClusterProperties& cluster);

// Keeps in `next` the values of `running` for the properties that need a restart: those take
// effect only when the broker starts again.
void KeepRestartValues(const ClusterProperties& running, ClusterProperties& next);
// The properties whose configured value waits for a restart.
std::vector<std::string> PendingRestart(const ClusterProperties& running,
                                        const ClusterProperties& configured);

// A PUT /v1/cluster_config body.
struct ClusterConfigPatch {
  std::vector<std::pair<std::string, nlohmann::json>> upsert;
  std::vector<std::string> remove;
};

// Applies `patch` to the cluster-wide store. `configured` is the cluster as configured now (the
// base the upserts are checked on). Returns the per-property errors; on any, `store` is left
// unchanged.
std::map<std::string, std::string> PatchClusterStore(const ClusterConfigPatch& patch,
                                                     const ClusterProperties& configured,
                                                     ConfigOverrides& store);

// GET /v1/cluster_config: every property ({name: value}), or with `only_changed` those whose
// value differs from kpk's built-in default.
nlohmann::json ClusterConfigJson(const ClusterProperties& configured, bool only_changed);
// GET /v1/cluster_config/schema.
nlohmann::json ClusterConfigSchemaJson();

}  // namespace core
}  // namespace kpk::broker
