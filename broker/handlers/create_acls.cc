#include "broker/handlers/create_acls.h"

#include "broker/handlers/no_authorizer.h"

namespace kpk::broker::handlers {

// Clients match results to creations by position, so each creation gets its own error result
// (Kafka's CreateAclsRequest.getErrorResponse).
CreateAclsHandler::Response CreateAclsHandler::Handle(RequestContext&, const Request& request) {
  Response response;
  for (size_t i = 0; i < request.creations.size(); ++i) {
    auto& result = response.results.emplace_back();
    result.error_code = ToInt(kNoAuthorizerError);
    result.error_message = kNoAuthorizerMessage;
  }
  return response;
}

}  // namespace kpk::broker::handlers
