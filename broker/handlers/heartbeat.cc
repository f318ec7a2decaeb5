#include "broker/handlers/heartbeat.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

HeartbeatHandler::Response HeartbeatHandler::Handle(RequestContext& ctx, const Request& request) {
  Response response;
  const std::optional<std::string> instance_id =
      ctx.version >= 3 ? request.group_instance_id : std::nullopt;
  response.error_code = ToInt(ctx.groups.Heartbeat(request.group_id, request.member_id, instance_id,
                                                   request.generation_id));
  return response;
}

}  // namespace kpk::broker::handlers
