// kpk has no authorizer, so the ACL APIs answer as Kafka's AclApis does when
// `authorizer.class.name` is unset: SECURITY_DISABLED with Kafka's own message. Advertising the
// APIs (rather than leaving them out of ApiVersions) gives admin tools that list ACLs a clean
// answer instead of "unsupported by broker".
#pragma once

#include "broker/handlers/handler.h"

namespace kpk::broker::handlers {

inline constexpr ErrorCode kNoAuthorizerError = ErrorCode::kSecurityDisabled;
inline constexpr const char* kNoAuthorizerMessage = "No Authorizer is configured.";

}  // namespace kpk::broker::handlers
