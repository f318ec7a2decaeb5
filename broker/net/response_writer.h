// Sends a run of ready responses on a socket: bytes in memory gathered into writev calls, and
// record sets still in segment files sent with sendfile, so that fetched records go from the
// page cache to the socket without passing through the broker (the pread and send copies were
// half of its CPU under a consume load).
#pragma once

#include <vector>

#include "broker/net/asio.h"
#include "broker/net/response.h"
#include "common/bytes.h"

namespace kpk::broker {
inline namespace net {

class ResponseWriter {
 public:
  explicit ResponseWriter(asio::ip::tcp::socket& socket) : socket_(socket) {}

  // Queues a response's frame header and body; both must stay alive until Send returns.
  void Add(const Bytes& header, const ResponseBody& body);
  bool empty() const { return pieces_.empty(); }
  // Sends everything added, in order, then forgets it. An error means the connection is
  // unusable: part of a response may have gone out.
  Awaitable<asio::error_code> Send();

 private:
  struct Piece {
    asio::const_buffer bytes;
    FileRange file;  // sent instead of `bytes` when its size is not 0
  };

  Awaitable<asio::error_code> SendFile(const FileRange& file);
  void SetCork(bool on);

  asio::ip::tcp::socket& socket_;
  std::vector<Piece> pieces_;
  std::vector<asio::const_buffer> gathered_;
  bool has_files_ = false;
};

}  // namespace net
}  // namespace kpk::broker
