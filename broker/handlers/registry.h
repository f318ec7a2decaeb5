// The APIs the broker answers and their version ranges: the one list behind both dispatch and
// the ApiVersions response.
#pragma once

#include <cstdint>
#include <span>

#include "broker/handlers/handler.h"
#include "broker/net/asio.h"
#include "broker/net/response.h"
#include "common/bytes.h"

namespace kpk::broker::handlers {

struct SupportedApi {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
  const char* name;
};

// Sorted by key.
std::span<const SupportedApi> SupportedApis();
const SupportedApi* FindSupportedApi(int16_t key);

// Runs the handler for a request whose header has been decoded. The API and version must be
// supported (see FindSupportedApi); `body` is the request after its header.
Awaitable<HandlerOutcome> Dispatch(RequestContext& ctx, ByteReader& body);

}  // namespace kpk::broker::handlers
