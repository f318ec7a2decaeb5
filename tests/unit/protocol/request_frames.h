// Test and fuzz helpers for whole request frames (size prefix removed): the header decoded by
// the header-version rules, and a visitor from an API key to its generated request type.
//
// The broker has its own dispatch; these exist so the golden test and the fuzzer can treat any
// frame generically without depending on the server code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "broker/protocol/generated/messages.h"
#include "common/bytes.h"

namespace kpk::broker::protocol::testing {

// Every API in the codec, as X(Name) for Name##Request. An API added to the generator without a
// line here fails the build (-Wswitch in VisitRequestType) and header_rules_test.
#define KPK_FOR_EACH_API(X)  \
  X(Produce)                 \
  X(Fetch)                   \
  X(ListOffsets)             \
  X(Metadata)                \
  X(OffsetCommit)            \
  X(OffsetFetch)             \
  X(FindCoordinator)         \
  X(JoinGroup)               \
  X(Heartbeat)               \
  X(LeaveGroup)              \
  X(SyncGroup)               \
  X(DescribeGroups)          \
  X(ListGroups)              \
  X(SaslHandshake)           \
  X(ApiVersions)             \
  X(CreateTopics)            \
  X(DeleteTopics)            \
  X(DeleteRecords)           \
  X(InitProducerId)          \
  X(OffsetForLeaderEpoch)    \
  X(AddPartitionsToTxn)      \
  X(AddOffsetsToTxn)         \
  X(EndTxn)                  \
  X(TxnOffsetCommit)         \
  X(DescribeAcls)            \
  X(CreateAcls)              \
  X(DeleteAcls)              \
  X(DescribeConfigs)         \
  X(AlterConfigs)            \
  X(DescribeLogDirs)         \
  X(SaslAuthenticate)        \
  X(CreatePartitions)        \
  X(DeleteGroups)            \
  X(IncrementalAlterConfigs) \
  X(OffsetDelete)            \
  X(DescribeCluster)         \
  X(DescribeProducers)       \
  X(DescribeTransactions)    \
  X(ListTransactions)

// Calls visit(std::type_identity<XxxRequest>{}) for the request type of `api_key`; returns
// false, without calling it, for a key the codec does not implement.
template <typename Visit>
bool VisitRequestType(int16_t api_key, Visit&& visit) {
  switch (static_cast<ApiKey>(api_key)) {
#define KPK_REQUEST_CASE(name)                  \
  case ApiKey::k##name:                         \
    visit(std::type_identity<name##Request>{}); \
    return true;
    KPK_FOR_EACH_API(KPK_REQUEST_CASE)
#undef KPK_REQUEST_CASE
  }
  return false;
}

// A request header decoded at the version the header rules choose for its API and version.
struct FrameHeader {
  RequestHeader header;
  int16_t header_version = 0;
  size_t body_offset = 0;  // where the body starts in the frame
};

// Decodes the header of `frame` (a request without its size prefix); nullopt if it is
// malformed. The API key and version are read first because they choose the header version.
inline std::optional<FrameHeader> DecodeFrameHeader(ByteSpan frame) {
  ByteReader peek(frame);
  const int16_t api_key = peek.ReadInt16();
  const int16_t api_version = peek.ReadInt16();
  if (!peek.ok()) return std::nullopt;
  FrameHeader out;
  out.header_version = RequestHeaderVersion(api_key, api_version);
  ByteReader r(frame);
  if (!out.header.Decode(r, out.header_version)) return std::nullopt;
  out.body_offset = r.position();
  return out;
}

// Encodes header + body the way a client puts them in a frame.
template <typename Body>
Bytes EncodeFrame(const FrameHeader& h, const Body& body) {
  ByteWriter w;
  h.header.Encode(w, h.header_version);
  body.Encode(w, h.header.request_api_version);
  return w.Take();
}

}  // namespace kpk::broker::protocol::testing
