#include "broker/handlers/sync_group.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

Awaitable<SyncGroupHandler::Response> SyncGroupHandler::Handle(RequestContext& ctx,
                                                               const Request& request) {
  groups::SyncRequest sync;
  sync.group_id = request.group_id;
  sync.member_id = request.member_id;
  sync.generation = request.generation_id;
  if (ctx.version >= 3) sync.instance_id = request.group_instance_id;
  if (ctx.version >= 5) {
    sync.protocol_type = request.protocol_type;
    sync.protocol_name = request.protocol_name;
  }
  for (const auto& a : request.assignments)
    sync.assignments.emplace_back(a.member_id, a.assignment);

  groups::SyncResult result = co_await ctx.groups.Sync(std::move(sync));

  Response response;
  response.error_code = ToInt(result.error);
  if (result.error == ErrorCode::kNone) {
    response.protocol_type = result.protocol_type;
    response.protocol_name = result.protocol_name;
    response.assignment = std::move(result.assignment);
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
