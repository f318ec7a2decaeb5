#include "broker/handlers/alter_configs.h"

#include "broker/handlers/config_changes.h"

namespace kpk::broker::handlers {

Awaitable<AlterConfigsHandler::Response> AlterConfigsHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  for (const auto& resource : request.resources) {
    std::vector<ConfigChange> changes;
    for (const auto& c : resource.configs) changes.push_back({c.name, ConfigOp::kSet, c.value});
    ChangeOutcome outcome = co_await ApplyConfigChanges(
        ctx.state, resource.resource_type, resource.resource_name, std::move(changes),
        /*replace_all=*/true, request.validate_only);
    auto& r = response.responses.emplace_back();
    r.resource_type = resource.resource_type;
    r.resource_name = resource.resource_name;
    r.error_code = ToInt(outcome.error);
    if (!outcome.message.empty()) r.error_message = outcome.message;
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
