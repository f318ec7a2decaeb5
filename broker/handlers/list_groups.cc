#include "broker/handlers/list_groups.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

ListGroupsHandler::Response ListGroupsHandler::Handle(RequestContext& ctx, const Request& request) {
  Response response;
  const std::vector<std::string> no_filter;
  const auto& filter = ctx.version >= 4 ? request.states_filter : no_filter;
  for (const auto& listing : ctx.groups.ListGroups(filter)) {
    auto& g = response.groups.emplace_back();
    g.group_id = listing.group_id;
    g.protocol_type = listing.protocol_type;
    g.group_state = std::string(groups::GroupStateName(listing.state));
  }
  return response;
}

}  // namespace kpk::broker::handlers
