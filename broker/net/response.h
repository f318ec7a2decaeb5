// What a request's handler hands the connection to send: the encoded response body, or word
// that there is no response or that the request was malformed.
#pragma once

#include <memory>
#include <vector>

#include "common/bytes.h"

namespace kpk::broker {
inline namespace net {

// An encoded response body as the socket sends it: `bytes` with large record sets spliced in
// rather than copied (ByteWriter::Splice), from memory or from a segment file. `owner` keeps
// the spliced bytes and files alive.
struct ResponseBody {
  Bytes bytes;
  std::vector<ByteWriter::Splice> splices;
  std::shared_ptr<const void> owner;

  size_t size() const;
  bool has_file_pieces() const;
  // The pieces in the order they are sent: on_bytes(ByteSpan) for bytes in memory,
  // on_file(const FileRange&) for bytes still in a file.
  template <typename OnBytes, typename OnFile>
  void ForEachPiece(OnBytes&& on_bytes, OnFile&& on_file) const;
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

inline size_t ResponseBody::size() const {
  size_t n = bytes.size();
  for (const auto& s : splices) n += s.size();
  return n;
}

inline bool ResponseBody::has_file_pieces() const {
  for (const auto& s : splices) {
    if (s.in_file()) return true;
  }
  return false;
}

template <typename OnBytes, typename OnFile>
void ResponseBody::ForEachPiece(OnBytes&& on_bytes, OnFile&& on_file) const {
  ByteSpan rest(bytes);
  size_t done = 0;
  for (const auto& s : splices) {
    if (s.at > done) on_bytes(rest.subspan(done, s.at - done));
    if (s.in_file()) {
      on_file(s.file);
    } else if (!s.bytes.empty()) {
      on_bytes(s.bytes);
    }
    done = s.at;
  }
  if (rest.size() > done) on_bytes(rest.subspan(done));
}

}  // namespace net
}  // namespace kpk::broker
