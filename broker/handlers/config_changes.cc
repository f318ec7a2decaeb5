#include "broker/handlers/config_changes.h"

#include <algorithm>
#include <sstream>

#include "broker/core/broker_state.h"
#include "broker/handlers/describe_configs.h"

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

// The topic's overrides after `changes`, into `next`; an error for a change that cannot apply.
ChangeOutcome EditTopicOverrides(BrokerState& state, const storage::TopicMetadata& topic,
                                 const std::vector<ConfigChange>& changes, bool replace_all,
                                 ConfigOverrides& next) {
  if (!replace_all) next.insert(topic.configs.begin(), topic.configs.end());
  const auto effective =
      state.topics().DescribeConfigs(topic, state.static_cluster(), state.broker_overrides());
  for (const auto& c : changes) {
    if ((c.op == ConfigOp::kAppend || c.op == ConfigOp::kSubtract) && !IsListConfig(c.name)) {
      return {ErrorCode::kInvalidConfig, "Config " + c.name + " is not a list"};
    }
    if (c.op == ConfigOp::kDelete || !c.value) {
      next.erase(c.name);
    } else if (c.op == ConfigOp::kSet) {
      next[c.name] = *c.value;
    } else {
      next[c.name] = EditList(EffectiveValue(effective, c.name), *c.value, c.op);
    }
  }
  return {};
}

Awaitable<ChangeOutcome> ChangeTopic(BrokerState& state, std::string name,
                                     std::vector<ConfigChange> changes, bool replace_all,
                                     bool validate_only) {
  // Held from reading the overrides to publishing the new ones, so that concurrent
  // incremental changes all apply.
  AdminTurns::Turn turn = co_await state.topics().TakeTurn(name);
  auto topic = state.topics().Find(name);
  if (!topic) {
    co_return ChangeOutcome{ErrorCode::kUnknownTopicOrPartition,
                            "Topic " + name + " does not exist."};
  }
  ConfigOverrides overrides;
  ChangeOutcome edited = EditTopicOverrides(state, *topic, changes, replace_all, overrides);
  if (edited.error != ErrorCode::kNone) co_return edited;
  TopicOutcome outcome =
      co_await state.topics().SetConfigs(turn, name, std::move(overrides), validate_only);
  co_return ChangeOutcome{outcome.error, outcome.message};
}

// The values to set (nullopt: reset) for `changes` to the broker's configs, into `values`.
ChangeOutcome BrokerValues(const BrokerState& state, const std::string& resource_name,
                           const std::vector<ConfigChange>& changes, bool replace_all,
                           std::vector<BrokerState::BrokerConfigChange>& values) {
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
    const BrokerOverrides& overrides = state.broker_overrides();
    for (const auto& [name, value] : cluster_default ? overrides.cluster_default : overrides.node) {
      // Cluster properties Kafka has no dynamic broker config for share the store; Kafka's
      // requests neither see nor remove them.
      if (!CheckDynamicBrokerConfig(name).ok()) continue;
      bool named = std::any_of(changes.begin(), changes.end(),
                               [&](const ConfigChange& c) { return c.name == name; });
      if (!named) all.push_back({name, ConfigOp::kDelete, std::nullopt});
    }
  }
  for (const auto& c : all) {
    if (c.op == ConfigOp::kAppend || c.op == ConfigOp::kSubtract) {
      return {ErrorCode::kInvalidRequest,
              "APPEND and SUBTRACT are not supported on broker configs"};
    }
    values.emplace_back(c.name, c.op == ConfigOp::kDelete ? std::nullopt : c.value);
  }
  return {};
}

Awaitable<ChangeOutcome> ChangeBroker(BrokerState& state, std::string resource_name,
                                      std::vector<ConfigChange> changes, bool replace_all,
                                      bool validate_only) {
  AdminTurns::Turn turn = co_await state.TakeBrokerConfigTurn();
  std::vector<BrokerState::BrokerConfigChange> values;
  ChangeOutcome planned = BrokerValues(state, resource_name, changes, replace_all, values);
  if (planned.error != ErrorCode::kNone) co_return planned;
  Status s = co_await state.SetBrokerConfigs(turn, resource_name.empty(), std::move(values),
                                             validate_only);
  if (!s.ok()) co_return ChangeOutcome{ErrorCode::kInvalidConfig, s.message()};
  co_return ChangeOutcome{};
}

}  // namespace

Awaitable<ChangeOutcome> ApplyConfigChanges(BrokerState& state, int8_t resource_type,
                                            std::string resource_name,
                                            std::vector<ConfigChange> changes, bool replace_all,
                                            bool validate_only) {
  ChangeOutcome outcome;
  if (resource_type == kResourceTopic) {
    outcome = co_await ChangeTopic(state, std::move(resource_name), std::move(changes), replace_all,
                                   validate_only);
    co_return outcome;
  }
  if (resource_type == kResourceBroker && IsThisBroker(resource_name, state.config().node_id)) {
    outcome = co_await ChangeBroker(state, std::move(resource_name), std::move(changes),
                                    replace_all, validate_only);
    co_return outcome;
  }
  co_return ChangeOutcome{ErrorCode::kInvalidRequest, "Unsupported resource " + resource_name};
}

}  // namespace kpk::broker::handlers
