#include "broker/handlers/find_coordinator.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;

}  // namespace

FindCoordinatorHandler::Response FindCoordinatorHandler::Handle(RequestContext& ctx,
                                                                const Request& request) {
  Response response;
  const BrokerConfig& config = ctx.state.config();
  const HostPort advertised = config.Advertised();
  const bool known_type = request.key_type == kGroupKey || request.key_type == kTransactionKey;
  const ErrorCode error = known_type ? ErrorCode::kNone : ErrorCode::kInvalidRequest;
  if (ctx.version >= 4) {
    for (const std::string& key : request.coordinator_keys) {
      auto& c = response.coordinators.emplace_back();
      c.key = key;
      c.error_code = ToInt(error);
      if (!known_type) {
        c.error_message = "unknown key type";
        c.node_id = -1;
        c.port = -1;
        continue;
      }
      c.node_id = config.node_id;
      c.host = advertised.host;
      c.port = advertised.port;
    }
    return response;
  }
  response.error_code = ToInt(error);
  if (!known_type) {
    response.error_message = "unknown key type";
    response.node_id = -1;
    response.port = -1;
    return response;
  }
  response.node_id = config.node_id;
  response.host = advertised.host;
  response.port = advertised.port;
  return response;
}

}  // namespace kpk::broker::handlers
