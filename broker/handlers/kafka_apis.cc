#include "broker/handlers/kafka_apis.h"

#include "broker/handlers/api_versions.h"
#include "broker/handlers/registry.h"

namespace kpk::broker::handlers {

bool KafkaApis::Serves(int16_t api_key, int16_t version) const {
  const SupportedApi* api = FindSupportedApi(api_key);
  return api != nullptr && version >= api->min_version && version <= api->max_version;
}

Bytes KafkaApis::UnsupportedApiVersionsResponse() const {
  return EncodeUnsupportedApiVersionsResponse();
}

Awaitable<HandlerOutcome> KafkaApis::Handle(const protocol::RequestHeader& header, int16_t version,
                                            ByteReader& body, const std::string& peer) {
  RequestContext ctx{services_.state,
                     services_.groups,
                     services_.producers,
                     services_.transactions,
                     header,
                     version,
                     peer};
  co_return co_await Dispatch(ctx, body);
}

}  // namespace kpk::broker::handlers
