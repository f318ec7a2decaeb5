#include "broker/handlers/delete_groups.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

Awaitable<DeleteGroupsHandler::Response> DeleteGroupsHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  std::vector<ErrorCode> errors = co_await ctx.groups.DeleteGroups(request.groups_names);
  for (size_t i = 0; i < request.groups_names.size(); ++i) {
    auto& r = response.results.emplace_back();
    r.group_id = request.groups_names[i];
    r.error_code = ToInt(errors[i]);
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
