// Runs the handler for a request whose header has been decoded.
#pragma once

#include <memory>
#include <vector>

#include "broker/handlers/handler.h"
#include "broker/server/asio.h"
#include "common/bytes.h"

namespace kpk::broker {

// An encoded response body as the socket sends it: `bytes` with large record sets spliced in
// rather than copied (ByteWriter::Splice). `owner` keeps the spliced bytes alive.
struct ResponseBody {
  Bytes bytes;
  std::vector<ByteWriter::Splice> splices;
  std::shared_ptr<const void> owner;

  size_t size() const;
  // The pieces in the order they are sent.
  template <typename F>
  void ForEachPiece(F&& piece) const;
};

struct HandlerOutcome {
  enum class Kind {
    kRespond,     // `body` holds the encoded response body
    kNoResponse,  // the request gets no answer (Produce acks=0)
    kMalformed,   // the body did not decode: the connection is closed
  };
  Kind kind = Kind::kRespond;
  ResponseBody body;
};

// The API and version must be supported (see FindSupportedApi); `body` is the request after
// its header.
Awaitable<HandlerOutcome> Dispatch(RequestContext& ctx, ByteReader& body);

inline size_t ResponseBody::size() const {
  size_t n = bytes.size();
  for (const auto& s : splices) n += s.bytes.size();
  return n;
}

template <typename F>
void ResponseBody::ForEachPiece(F&& piece) const {
  ByteSpan rest(bytes);
  size_t done = 0;
  for (const auto& s : splices) {
    if (s.at > done) piece(rest.subspan(done, s.at - done));
    if (!s.bytes.empty()) piece(s.bytes);
    done = s.at;
  }
  if (rest.size() > done) piece(rest.subspan(done));
}

}  // namespace kpk::broker
