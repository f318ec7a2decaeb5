#include "broker/handlers/leave_group.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

LeaveGroupHandler::Response LeaveGroupHandler::Handle(RequestContext& ctx, const Request& request) {
  Response response;
  std::vector<groups::MemberIdentity> members;
  if (ctx.version >= 3) {
    for (const auto& m : request.members) members.push_back({m.member_id, m.group_instance_id});
  } else {
    members.push_back({request.member_id, std::nullopt});
  }
  std::vector<ErrorCode> errors = ctx.groups.Leave(request.group_id, members);
  if (ctx.version < 3) {
    // One member, so its error is the request's.
    response.error_code = ToInt(errors.front());
    return response;
  }
  for (size_t i = 0; i < members.size(); ++i) {
    auto& m = response.members.emplace_back();
    m.member_id = members[i].member_id;
    m.group_instance_id = members[i].instance_id;
    m.error_code = ToInt(errors[i]);
  }
  return response;
}

}  // namespace kpk::broker::handlers
