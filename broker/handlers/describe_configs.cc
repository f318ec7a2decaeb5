#include "broker/handlers/describe_configs.h"

#include <algorithm>

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

using Response = DescribeConfigsHandler::Response;
using Request = DescribeConfigsHandler::Request;

bool Wanted(const Request::DescribeConfigsResource& resource, const std::string& name) {
  if (!resource.configuration_keys) return true;
  const auto& keys = *resource.configuration_keys;
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

Response::DescribeConfigsResourceResult ToResult(const ConfigEntry& e, const Request& request,
                                                 int16_t version) {
  Response::DescribeConfigsResourceResult r;
  r.name = e.name;
  r.value = e.value;
  r.read_only = e.read_only;
  r.is_sensitive = e.sensitive;
  r.is_default = e.source == ConfigSource::kDefault;
  r.config_source = static_cast<int8_t>(e.source);
  r.config_type = static_cast<int8_t>(e.type);
  if (version >= 1 && request.include_synonyms) {
    for (const auto& synonym : e.synonyms) {
      r.synonyms.push_back({synonym.name, synonym.value, static_cast<int8_t>(synonym.source), {}});
    }
  }
  if (request.include_documentation && !e.documentation.empty()) r.documentation = e.documentation;
  return r;
}

}  // namespace

bool IsThisBroker(const std::string& name, int32_t node_id) {
  return name.empty() || name == std::to_string(node_id);
}

DescribeConfigsHandler::Response DescribeConfigsHandler::Handle(RequestContext& ctx,
                                                                const Request& request) {
  Response response;
  BrokerState& state = ctx.state;
  for (const auto& resource : request.resources) {
    auto& result = response.results.emplace_back();
    result.resource_type = resource.resource_type;
    result.resource_name = resource.resource_name;
    std::vector<ConfigEntry> entries;
    if (resource.resource_type == kResourceTopic) {
      auto topic = state.topics().Find(resource.resource_name);
      if (!topic) {
        result.error_code = ToInt(ErrorCode::kUnknownTopicOrPartition);
        result.error_message = "Topic " + resource.resource_name + " does not exist.";
        continue;
      }
      entries =
          state.topics().DescribeConfigs(*topic, state.static_cluster(), state.broker_overrides());
    } else if (resource.resource_type == kResourceBroker && resource.resource_name.empty()) {
      // The cluster-wide defaults: Kafka answers only those set at run time.
      entries = DescribeDefaultBrokerConfigs(state.broker_overrides());
    } else if (resource.resource_type == kResourceBroker &&
               IsThisBroker(resource.resource_name, state.config().node_id)) {
      entries =
          DescribeBrokerConfigs(state.config(), state.static_cluster(), state.broker_overrides());
    } else {
      result.error_code = ToInt(ErrorCode::kInvalidRequest);
      result.error_message = "Unsupported resource " + resource.resource_name;
      continue;
    }
    for (const auto& e : entries) {
      if (Wanted(resource, e.name)) result.configs.push_back(ToResult(e, request, ctx.version));
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
