#include "broker/handlers/delete_acls.h"

#include "broker/handlers/no_authorizer.h"

namespace kpk::broker::handlers {

// Clients match results to filters by position, so each filter gets its own error result with
// no matching ACLs (Kafka's DeleteAclsRequest.getErrorResponse).
DeleteAclsHandler::Response DeleteAclsHandler::Handle(RequestContext&, const Request& request) {
  Response response;
  for (size_t i = 0; i < request.filters.size(); ++i) {
    auto& result = response.filter_results.emplace_back();
    result.error_code = ToInt(kNoAuthorizerError);
    result.error_message = kNoAuthorizerMessage;
  }
  return response;
}

}  // namespace kpk::broker::handlers
