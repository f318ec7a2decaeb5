// The Kafka APIs as a connection serves them: the registry's handlers over the broker's parts.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/net/request_handler.h"

namespace kpk::broker::handlers {

class KafkaApis final : public RequestHandler {
 public:
  // Names every served API in the broker's metrics (ApiMetrics::name).
  explicit KafkaApis(Services services);

  bool Serves(int16_t api_key, int16_t version) const override;
  Bytes UnsupportedApiVersionsResponse() const override;
  Awaitable<HandlerOutcome> Handle(const protocol::RequestHeader& header, int16_t version,
                                   ByteReader& body, const std::string& peer) override;

 private:
  Services services_;
};

}  // namespace kpk::broker::handlers
