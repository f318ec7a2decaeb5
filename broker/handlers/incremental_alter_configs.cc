#include "broker/handlers/incremental_alter_configs.h"

#include "broker/handlers/config_changes.h"

namespace kpk::broker::handlers {

Awaitable<IncrementalAlterConfigsHandler::Response> IncrementalAlterConfigsHandler::Handle(
    RequestContext& ctx, const Request& request) {
  Response response;
  for (const auto& resource : request.resources) {
    auto& r = response.responses.emplace_back();
    r.resource_type = resource.resource_type;
    r.resource_name = resource.resource_name;
    std::vector<ConfigChange> changes;
    bool valid = true;
    for (const auto& c : resource.configs) {
      valid &= c.config_operation >= 0 && c.config_operation <= 3;
      changes.push_back({c.name, static_cast<ConfigOp>(c.config_operation), c.value});
    }
    if (!valid) {
      r.error_code = ToInt(ErrorCode::kInvalidRequest);
      r.error_message = "Unknown config operation";
      continue;
    }
    ChangeOutcome outcome = co_await ApplyConfigChanges(
        ctx.state, resource.resource_type, resource.resource_name, std::move(changes),
        /*replace_all=*/false, request.validate_only);
    r.error_code = ToInt(outcome.error);
    if (!outcome.message.empty()) r.error_message = outcome.message;
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
