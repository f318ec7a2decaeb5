#include "broker/handlers/config_changes.h"

#include <algorithm>
#include <sstream>

#include "broker/handlers/describe_configs.h"
#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> items;
  std::stringstream in(value);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::string EffectiveValue(const std::vector<ConfigEntry>& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.name == name) return e.value.value_or("");
  }
  return "";
}

// Edits a list value by APPEND (adds missing items) or SUBTRACT (removes items).
std::string EditList(const std::string& current, const std::string& operand, ConfigOp op) {
  std::vector<std::string> items = SplitList(current);
  for (const auto& item : SplitList(operand)) {
    auto it = std::find(items.begin(), items.end(), item);
    if (op == ConfigOp::kAppend && it == items.end()) items.push_back(item);
    if (op == ConfigOp::kSubtract && it != items.end()) items.erase(it);
  }
  return JoinList(items);
}

ChangeOutcome ChangeTopic(BrokerState& state, const std::string& name,
                          const std::vector<ConfigChange>& changes, bool replace_all,
                          bool validate_only) {
  auto topic = state.topics().Find(name);
  if (!topic) return {ErrorCode::kUnknownTopicOrPartition, "Topic " + name + " does not exist."};
  ConfigOverrides overrides;
  if (!replace_all) overrides.insert(topic->configs.begin(), topic->configs.end());
  const auto effective = state.topics().DescribeConfigs(*topic);
  for (const auto& c : changes) {
    if ((c.op == ConfigOp::kAppend || c.op == ConfigOp::kSubtract) && !IsListConfig(c.name)) {
      return {ErrorCode::kInvalidConfig, "Config " + c.name + " is not a list"};
    }
    if (c.op == ConfigOp::kDelete || !c.value) {
      overrides.erase(c.name);
    } else if (c.op == ConfigOp::kSet) {
      overrides[c.name] = *c.value;
    } else {
      overrides[c.name] = EditList(EffectiveValue(effective, c.name), *c.value, c.op);
    }
  }
  TopicOutcome outcome = state.topics().SetConfigs(name, overrides, validate_only);
  return {outcome.error, outcome.message};
}

ChangeOutcome ChangeBroker(BrokerState& state, const std::string& resource_name,
                           const std::vector<ConfigChange>& changes, bool replace_all,
                           bool validate_only) {
  // Kafka keeps per-broker configs apart from the cluster-wide defaults (empty name): none can
  // be set at that level, and deleting or replacing one there leaves the broker's own alone.
  const bool cluster_default = resource_name.empty();
  std::vector<ConfigChange> all;
  for (const auto& c : changes) {
    if (cluster_default && IsPerBrokerConfig(c.name)) {
      if (c.op == ConfigOp::kDelete) continue;
      return {ErrorCode::kInvalidRequest,
              "Cannot update these configs at default cluster level, broker id must be "
              "specified: " +
                  c.name};
    }
    all.push_back(c);
  }
  if (replace_all) {
    for (const auto& [name, value] : state.broker_overrides()) {
      bool named = std::any_of(changes.begin(), changes.end(),
                               [&](const ConfigChange& c) { return c.name == name; });
      if (!named && !(cluster_default && IsPerBrokerConfig(name))) {
        all.push_back({name, ConfigOp::kDelete, std::nullopt});
      }
    }
  }
  for (const auto& c : all) {
    if (c.op == ConfigOp::kAppend || c.op == ConfigOp::kSubtract) {
      return {ErrorCode::kInvalidRequest,
              "APPEND and SUBTRACT are not supported on broker configs"};
    }
    std::optional<std::string> value = c.op == ConfigOp::kDelete ? std::nullopt : c.value;
    if (Status s = state.SetBrokerConfig(c.name, value, validate_only); !s.ok()) {
      return {ErrorCode::kInvalidConfig, s.message()};
    }
  }
  return {};
}

}  // namespace

ChangeOutcome ApplyConfigChanges(BrokerState& state, int8_t resource_type,
                                 const std::string& resource_name,
                                 const std::vector<ConfigChange>& changes, bool replace_all,
                                 bool validate_only) {
  if (resource_type == kResourceTopic) {
    return ChangeTopic(state, resource_name, changes, replace_all, validate_only);
  }
  if (resource_type == kResourceBroker && IsThisBroker(resource_name, state.config().node_id)) {
    return ChangeBroker(state, resource_name, changes, replace_all, validate_only);
  }
  return {ErrorCode::kInvalidRequest, "Unsupported resource " + resource_name};
}

}  // namespace kpk::broker::handlers
