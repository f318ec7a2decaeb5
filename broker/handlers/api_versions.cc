#include "broker/handlers/api_versions.h"

#include <regex>

#include "broker/handlers/registry.h"

namespace kpk::broker::handlers {
namespace {

std::vector<protocol::ApiVersionsResponse::ApiVersion> ApiList() {
  std::vector<protocol::ApiVersionsResponse::ApiVersion> list;
  for (const SupportedApi& api : SupportedApis()) {
    auto& v = list.emplace_back();
    v.api_key = api.key;
    v.min_version = api.min_version;
    v.max_version = api.max_version;
  }
  return list;
}

// KIP-511: client software names and versions are restricted so brokers can use them as
// metric labels; Kafka answers INVALID_REQUEST otherwise, and librdkafka retries with v0.
bool ValidSoftwareField(const std::string& s) {
  static const std::regex kPattern("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
  return std::regex_match(s, kPattern);
}

}  // namespace

ApiVersionsHandler::Response ApiVersionsHandler::Handle(RequestContext& ctx,
                                                        const Request& request) {
  Response response;
  if (ctx.version >= 3 && !(ValidSoftwareField(request.client_software_name) &&
                            ValidSoftwareField(request.client_software_version))) {
    response.error_code = ToInt(ErrorCode::kInvalidRequest);
    return response;
  }
  response.api_keys = ApiList();
  return response;
}

Bytes EncodeUnsupportedApiVersionsResponse() {
  protocol::ApiVersionsResponse response;
  response.error_code = ToInt(ErrorCode::kUnsupportedVersion);
  response.api_keys = ApiList();
  ByteWriter w;
  response.Encode(w, 0);
  return w.Take();
}

}  // namespace kpk::broker::handlers
