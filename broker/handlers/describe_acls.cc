#include "broker/handlers/describe_acls.h"

#include "broker/handlers/no_authorizer.h"

namespace kpk::broker::handlers {

// One error for the whole filter, as Kafka answers it: the response has a top-level error code
// and no resources.
DescribeAclsHandler::Response DescribeAclsHandler::Handle(RequestContext&, const Request&) {
  Response response;
  response.error_code = ToInt(kNoAuthorizerError);
  response.error_message = kNoAuthorizerMessage;
  return response;
}

}  // namespace kpk::broker::handlers
