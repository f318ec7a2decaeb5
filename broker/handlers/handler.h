// What a Kafka API handler sees, and how it declares itself.
//
// One file per API. Each declares a struct deriving from HandlerSpec that names the request
// and response types and the versions kpk supports, and defines
//   static Response Handle(RequestContext&, const Request&);               (synchronous) or
//   static Awaitable<Response> Handle(RequestContext&, const Request&);    (waits: produce, fetch)
// and, optionally, `static bool NoResponse(const Request&)` for requests that get no answer
// (Produce with acks=0). registry.cc lists every handler once; that list drives both dispatch
// and the ApiVersions response.
#pragma once

#include <cstdint>
#include <string>

#include "broker/protocol/generated/error_code.h"
#include "broker/protocol/generated/request_header.h"

namespace kpk::broker {
inline namespace core {
class BrokerState;
}
namespace groups {
class GroupCoordinator;
}
namespace transactions {
class ProducerStates;
class TransactionCoordinator;
}  // namespace transactions
}  // namespace kpk::broker

namespace kpk::broker::handlers {

// The broker's parts a handler may use. Owned by the Broker; live as long as the event loop.
struct Services {
  BrokerState& state;
  groups::GroupCoordinator& groups;
  transactions::ProducerStates& producers;
  transactions::TransactionCoordinator& transactions;
};

struct RequestContext {
  BrokerState& state;
  groups::GroupCoordinator& groups;
  transactions::ProducerStates& producers;
  transactions::TransactionCoordinator& transactions;
  const protocol::RequestHeader& header;
  int16_t version;          // the request's API version
  std::string client_host;  // the peer's address, as DescribeGroups reports it
};

template <typename Req, typename Resp, int16_t Min, int16_t Max>
struct HandlerSpec {
  using Request = Req;
  using Response = Resp;
  static constexpr int16_t kApiKey = Req::kApiKey;
  static constexpr int16_t kMinVersion = Min;
  static constexpr int16_t kMaxVersion = Max;
  static_assert(Min >= Req::kMinVersion && Max <= Req::kMaxStableVersion &&
                    Max <= Resp::kMaxStableVersion,
                "a handler may only advertise versions the codec supports and Kafka calls stable");
};

using protocol::ErrorCode;
using protocol::ToInt;

}  // namespace kpk::broker::handlers
