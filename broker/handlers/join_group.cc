#include "broker/handlers/join_group.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

Awaitable<JoinGroupHandler::Response> JoinGroupHandler::Handle(RequestContext& ctx,
                                                               const Request& request) {
  groups::JoinRequest join;
  join.group_id = request.group_id;
  join.member_id = request.member_id;
  if (ctx.version >= 5) join.instance_id = request.group_instance_id;
  join.client_id = ctx.header.client_id.value_or("");
  join.client_host = ctx.client_host;
  join.session_timeout_ms = request.session_timeout_ms;
  // v0 has no rebalance timeout: the session timeout serves for both.
  join.rebalance_timeout_ms =
      ctx.version >= 1 ? request.rebalance_timeout_ms : request.session_timeout_ms;
  join.protocol_type = request.protocol_type;
  for (const auto& p : request.protocols) join.protocols.push_back({p.name, p.metadata});
  join.require_known_member_id = ctx.version >= 4;
  join.supports_skip_assignment = ctx.version >= 9;

  groups::JoinResult result = co_await ctx.groups.Join(std::move(join));

  Response response;
  response.error_code = ToInt(result.error);
  response.generation_id = result.generation;
  response.member_id = result.member_id;
  response.leader = result.leader;
  response.skip_assignment = result.skip_assignment;
  if (result.error == ErrorCode::kNone) response.protocol_type = result.protocol_type;
  // Before v7 the protocol name is not nullable: an error carries an empty one.
  response.protocol_name = result.protocol_name
                               ? result.protocol_name
                               : (ctx.version >= 7 ? std::nullopt : std::optional<std::string>(""));
  for (auto& m : result.members) {
    auto& member = response.members.emplace_back();
    member.member_id = std::move(m.member_id);
    member.group_instance_id = std::move(m.instance_id);
    member.metadata = std::move(m.metadata);
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
