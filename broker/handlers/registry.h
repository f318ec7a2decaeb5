// The APIs the broker answers and their version ranges: the one list behind both dispatch and
// the ApiVersions response.
#pragma once

#include <cstdint>
#include <span>

namespace kpk::broker {

struct SupportedApi {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
  const char* name;
};

// Sorted by key.
std::span<const SupportedApi> SupportedApis();
const SupportedApi* FindSupportedApi(int16_t key);

}  // namespace kpk::broker
