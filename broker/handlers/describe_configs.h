// DescribeConfigs (32): topic configs (overrides and the broker defaults behind them) and the
// broker's own configs.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_configs_request.h"
#include "broker/protocol/generated/describe_configs_response.h"

namespace kpk::broker::handlers {

// Kafka's ConfigResource.Type numbering.
inline constexpr int8_t kResourceTopic = 2;
inline constexpr int8_t kResourceBroker = 4;

struct DescribeConfigsHandler
    : HandlerSpec<protocol::DescribeConfigsRequest, protocol::DescribeConfigsResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

// True if `name` addresses this broker: its node id, or "" (the cluster-wide default).
bool IsThisBroker(const std::string& name, int32_t node_id);

}  // namespace kpk::broker::handlers
