#include "broker/handlers/describe_cluster.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {

namespace {
constexpr int8_t kBrokersEndpoint = 1;
}

DescribeClusterHandler::Response DescribeClusterHandler::Handle(RequestContext& ctx,
                                                                const Request& request) {
  Response response;
  const BrokerConfig& config = ctx.state.config();
  response.endpoint_type = kBrokersEndpoint;
  if (request.endpoint_type != kBrokersEndpoint) {
    response.error_code = ToInt(ErrorCode::kUnsupportedEndpointType);
    response.error_message = "Only the brokers endpoint type is served.";
    return response;
  }
  response.cluster_id = config.cluster_id;
  response.controller_id = config.node_id;
  auto& broker = response.brokers.emplace_back();
  const HostPort advertised = config.Advertised();
  broker.broker_id = config.node_id;
  broker.host = advertised.host;
  broker.port = advertised.port;
  return response;
}

}  // namespace kpk::broker::handlers
