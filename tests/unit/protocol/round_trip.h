// The body of RoundTrip<T>, kept apart from the generated samples so it reads as a test.
#pragma once

#include <string>

#include "generated/sample_values.h"

namespace kpk::broker::protocol::testing {

template <typename T>
void Fill(T& m, int16_t version, int variant, int& seed);

template <typename T>
std::string RoundTrip(int16_t version, int variant) {
  T original;
  int seed = 0;
  Fill(original, version, variant, seed);
  ByteWriter w;
  original.Encode(w, version);
  const Bytes encoded = w.Take();

  T decoded;
  ByteReader r(encoded);
  if (!decoded.Decode(r, version)) return "decode failed";
  if (!r.empty()) return "decode left " + std::to_string(r.remaining()) + " bytes";
  if (!(decoded == original)) return "decoded message differs from the original";
  ByteWriter again;
  decoded.Encode(again, version);
  if (again.buffer() != encoded) return "re-encoding changed the bytes";

  for (size_t len = 0; len < encoded.size(); ++len) {
    T partial;
    ByteReader pr(ByteSpan(encoded.data(), len));
    if (partial.Decode(pr, version)) return "a " + std::to_string(len) + "-byte prefix decoded";
  }
  return "";
}

}  // namespace kpk::broker::protocol::testing
