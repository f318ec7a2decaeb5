// The topic and broker configs the dev broker knows: their types, defaults, allowed values and
// where a default comes from. DescribeConfigs, CreateTopics, AlterConfigs and
// IncrementalAlterConfigs all read this one table.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/broker_config.h"
#include "common/status.h"

namespace kpk::broker {
inline namespace core {

// Kafka's ConfigType numbering (DescribeConfigs v3+).
enum class ConfigType : int8_t {
  kUnknown = 0,
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kShort = 4,
  kLong = 5,
  kDouble = 6,
  kList = 7,
  kClass = 8,
  kPassword = 9,
};

// Kafka's ConfigSource numbering (DescribeConfigs v1+).
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kDynamicTopic = 1,
  kDynamicBroker = 2,
  kDynamicDefaultBroker = 3,
  kStaticBroker = 4,
  kDefault = 5,
};

// One place a config's value could come from, most specific first (DescribeConfigs synonyms).
struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;
  ConfigSource source = ConfigSource::kDefault;
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // null: no value (Kafka's null default) or sensitive
  ConfigSource source = ConfigSource::kDefault;
  ConfigType type = ConfigType::kString;
  bool read_only = false;
  std::string documentation;
  bool sensitive = false;  // a password: Kafka never returns its value
  std::vector<ConfigSynonym> synonyms;
};

using ConfigOverrides = std::map<std::string, std::string, std::less<>>;

// Broker configs changed at run time, at Kafka's two levels: for this broker (resource name its
// id, DYNAMIC_BROKER_CONFIG) and the cluster-wide default under it (resource name "",
// DYNAMIC_DEFAULT_BROKER_CONFIG). This broker's own value wins.
struct BrokerOverrides {
  ConfigOverrides node;
  ConfigOverrides cluster_default;
};

// Every topic config with its effective value: `overrides` where set (DYNAMIC_TOPIC_CONFIG),
// else the broker's default from `cluster`. Synonyms as Kafka gives them: the override, then
// the broker config it defaults to (e.g. log.retention.ms) at each level `broker_overrides` sets
// it, then its value in `static_cluster`. Sorted by name.
std::vector<ConfigEntry> DescribeTopicConfigs(const ConfigOverrides& overrides,
                                              const ClusterProperties& cluster,
                                              const ClusterProperties& static_cluster,
                                              const BrokerOverrides& broker_overrides);

// Checks one topic config: known name, value of the right type and range.
// kInvalidArgument with a message fit for a response's error_message.
Status ValidateTopicConfig(std::string_view name, std::string_view value);

// For list configs (cleanup.policy, ...): whether --append/--subtract make sense.
bool IsListConfig(std::string_view name);

// The broker's configs (resource type BROKER, its id), in Kafka's names, with their current
// values and synonyms: this broker's override, the cluster default, the static value.
// `static_cluster` is the configuration before any override.
std::vector<ConfigEntry> DescribeBrokerConfigs(const BrokerConfig& config,
                                               const ClusterProperties& static_cluster,
                                               const BrokerOverrides& overrides);

// The cluster-wide default broker configs (resource type BROKER, name ""): as in Kafka, only
// those set at run time.
std::vector<ConfigEntry> DescribeDefaultBrokerConfigs(const BrokerOverrides& overrides);

// Whether Kafka takes `name` only for one broker (resource name its id), never as the cluster-wide
// default (resource name ""): listener and SASL settings.
bool IsPerBrokerConfig(std::string_view name);

// Whether `name` is a broker config that may change at run time; kInvalidArgument if it is
// read-only or unknown.
Status CheckDynamicBrokerConfig(std::string_view name);

// Applies one broker config value to `cluster` (AlterConfigs on the broker). Only dynamic ones
// may change; others are kInvalidArgument.
Status ApplyBrokerConfig(std::string_view name, std::string_view value, ClusterProperties& cluster);

// The value of the dynamic broker config `name` (Kafka's text) that `cluster` holds; nullopt for
// a name that is not one.
std::optional<std::string> BrokerConfigText(std::string_view name,
                                            const ClusterProperties& cluster);

}  // namespace core
}  // namespace kpk::broker
