// Test-only: the values samples.cc fills fields with, and the round trip it checks.
// Hand-written; the generator emits samples.cc, which includes this file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include "broker/protocol/wire.h"

namespace kpk::broker::protocol::testing {

// A number different from `default_value`, varying with seed.
template <typename T>
T SampleNumber(int seed, T default_value) {
  if constexpr (std::is_same_v<T, bool>) {
    return !default_value;
  } else {
    T v = static_cast<T>(seed % 100 + 1);
    return v == default_value ? static_cast<T>(v + 1) : v;
  }
}

template <typename T>
T SampleValue(int seed) {
  if constexpr (std::is_same_v<T, std::string>) {
    return "s" + std::to_string(seed);
  } else if constexpr (std::is_same_v<T, Bytes>) {
    return Bytes{static_cast<uint8_t>(seed), 0x00, 0xff};
  } else if constexpr (std::is_same_v<T, Uuid>) {
    Uuid u;
    for (size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<uint8_t>(seed + i);
    return u;
  } else if constexpr (std::is_same_v<T, Records>) {
    auto owned = std::make_shared<const Bytes>(Bytes{0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(seed)});
    return Records(owned);
  } else {
    return SampleNumber<T>(seed, T{});
  }
}

// Fills a T at (version, variant), encodes it, decodes it, and checks the decoded message
// equals the original, re-encodes to the same bytes, and that every strict prefix of the
// encoding fails to decode. Returns "" or a description of the first failure.
template <typename T>
std::string RoundTrip(int16_t version, int variant);

}  // namespace kpk::broker::protocol::testing
