// The header rules KIP-482 left as exceptions, which a generator working from the specs alone
// gets wrong: ApiVersions responses keep header v0, the v2 request header's client id stays a
// classic string, and an ApiVersions request newer than the codec still has a readable header.
#include <doctest/doctest.h>

#include <set>

#include "request_frames.h"

namespace kpk::broker::protocol {
namespace {

using testing::DecodeFrameHeader;
using testing::VisitRequestType;

constexpr int16_t kApiVersionsKey = static_cast<int16_t>(ApiKey::kApiVersions);

Bytes EncodeHeader(const RequestHeader& h, int16_t version) {
  ByteWriter w;
  h.Encode(w, version);
  return w.Take();
}

TEST_CASE("the ApiVersions response header is v0 at every version, even flexible ones") {
  for (int16_t v = 0; v <= ApiVersionsResponse::kMaxVersion + 2; ++v) {
    CAPTURE(v);
    CHECK(ResponseHeaderVersion(kApiVersionsKey, v) == 0);
  }
  // Other flexible responses do use v1, so the rule above is not just "always 0".
  CHECK(ResponseHeaderVersion(static_cast<int16_t>(ApiKey::kMetadata), 9) == 1);
  CHECK(ResponseHeaderVersion(static_cast<int16_t>(ApiKey::kMetadata), 8) == 0);
  // A v0 response header is the bare correlation id: no tag buffer a v0 client would misread.
  ResponseHeader h;
  h.correlation_id = 0x01020304;
  ByteWriter w;
  h.Encode(w, 0);
  CHECK(w.buffer() == Bytes{1, 2, 3, 4});
}

TEST_CASE("request header v2 keeps client_id as a classic nullable string") {
  RequestHeader h;
  h.request_api_key = kApiVersionsKey;
  h.request_api_version = 3;
  h.correlation_id = 7;
  h.client_id = "abc";
  // int16 length 3, not the compact varint 4; then the empty tag buffer.
  CHECK(EncodeHeader(h, 2) == Bytes{0, 18, 0, 3, 0, 0, 0, 7, 0, 3, 'a', 'b', 'c', 0});

  h.client_id.reset();
  const Bytes null_id = EncodeHeader(h, 2);
  CHECK(null_id == Bytes{0, 18, 0, 3, 0, 0, 0, 7, 0xff, 0xff, 0});
  RequestHeader decoded;
  ByteReader r(null_id);
  REQUIRE(decoded.Decode(r, 2));
  CHECK(!decoded.client_id.has_value());
  CHECK(r.empty());
}

TEST_CASE("request header version follows the API's first flexible version") {
  CHECK(RequestHeaderVersion(static_cast<int16_t>(ApiKey::kProduce), 8) == 1);
  CHECK(RequestHeaderVersion(static_cast<int16_t>(ApiKey::kProduce), 9) == 2);
  CHECK(RequestHeaderVersion(kApiVersionsKey, 2) == 1);
  CHECK(RequestHeaderVersion(kApiVersionsKey, 3) == 2);
  // SaslHandshake is never flexible.
  CHECK(RequestHeaderVersion(static_cast<int16_t>(ApiKey::kSaslHandshake), 1) == 1);
  // An API the codec does not know: v1, whose client id is readable by anyone.
  CHECK(RequestHeaderVersion(1000, 0) == 1);
}

TEST_CASE("an ApiVersions request above the codec's max still decodes its header as v2") {
  const int16_t future = ApiVersionsRequest::kMaxVersion + 3;
  CHECK(RequestHeaderVersion(kApiVersionsKey, future) == 2);
  CHECK(RequestHeaderVersion(kApiVersionsKey, INT16_MAX) == 2);

  // A frame as a newer client would send it: header v2 with a tag, then a body we cannot parse.
  RequestHeader h;
  h.request_api_key = kApiVersionsKey;
  h.request_api_version = future;
  h.correlation_id = 42;
  h.client_id = "future-client";
  h.unknown_tags.push_back({5, Bytes{1, 2}});
  ByteWriter w;
  h.Encode(w, 2);
  const size_t header_size = w.size();
  w.WriteUnsignedVarint(7);  // the start of a compact string in the unknown body
  const Bytes frame = w.Take();

  auto decoded = DecodeFrameHeader(frame);
  REQUIRE(decoded.has_value());
  CHECK(decoded->header_version == 2);
  CHECK(decoded->header.client_id == "future-client");
  CHECK(decoded->header.correlation_id == 42);
  CHECK(decoded->body_offset == header_size);  // the tag buffer was consumed, not the body
  // The body at a version the codec lacks is refused rather than misread.
  ApiVersionsRequest body;
  ByteReader r(ByteSpan(frame).subspan(header_size));
  CHECK_FALSE(body.Decode(r, future));
}

TEST_CASE("the request visitor covers every API the codec implements, with matching types") {
  std::set<int16_t> visited;
  for (const ApiInfo& api : AllApis()) {
    const int16_t key = static_cast<int16_t>(api.key);
    CAPTURE(api.name);
    const bool known = VisitRequestType(key, [&](auto type) {
      using T = typename decltype(type)::type;
      CHECK(T::kApiKey == key);
      CHECK(T::kMinVersion == api.min_version);
      CHECK(T::kMaxVersion == api.max_version);
      CHECK(T::kFirstFlexibleVersion == api.first_flexible_request);
      visited.insert(key);
    });
    CHECK(known);
  }
  CHECK(visited.size() == AllApis().size());
  CHECK_FALSE(VisitRequestType(1000, [](auto) {}));
  CHECK_FALSE(VisitRequestType(-1, [](auto) {}));
}

}  // namespace
}  // namespace kpk::broker::protocol
