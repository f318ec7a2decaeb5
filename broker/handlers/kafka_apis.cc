#include "broker/handlers/kafka_apis.h"

#include <cctype>
#include <chrono>

#include "broker/core/broker_state.h"
#include "broker/handlers/api_versions.h"
#include "broker/handlers/registry.h"

namespace kpk::broker::handlers {
namespace {

// "OffsetCommit" -> "offset_commit": the handler label Redpanda's metrics use.
std::string SnakeCase(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

void Count(ApiMetrics& api, size_t received, const HandlerOutcome& outcome,
           std::chrono::steady_clock::duration elapsed) {
  api.latency.Record(elapsed);
  api.received_bytes.fetch_add(received, std::memory_order_relaxed);
  if (outcome.kind == HandlerOutcome::Kind::kMalformed) {
    api.errored.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  api.sent_bytes.fetch_add(outcome.body.size(), std::memory_order_relaxed);
  api.completed.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

KafkaApis::KafkaApis(Services services) : services_(services) {
  for (const SupportedApi& api : SupportedApis()) {
    if (ApiMetrics* m = services_.state.metrics().Api(api.key)) m->name = SnakeCase(api.name);
  }
}

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
  // Timed around the whole handler, waits included (acks=-1 durability, parked fetches).
  const auto start = std::chrono::steady_clock::now();
  const size_t received = body.remaining();
  HandlerOutcome outcome = co_await Dispatch(ctx, body);
  if (ApiMetrics* api = services_.state.metrics().Api(header.request_api_key)) {
    Count(*api, received, outcome, std::chrono::steady_clock::now() - start);
  }
  co_return outcome;
}

}  // namespace kpk::broker::handlers
