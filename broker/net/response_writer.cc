#include "broker/net/response_writer.h"

#include <cerrno>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

namespace kpk::broker {
inline namespace net {

void ResponseWriter::Add(const Bytes& header, const ResponseBody& body) {
  pieces_.push_back({asio::buffer(header), {}});
  has_files_ = has_files_ || body.has_file_pieces();
  body.ForEachPiece(
      [&](ByteSpan bytes) {
        pieces_.push_back({asio::buffer(bytes.data(), bytes.size()), {}});
      },
      [&](const FileRange& file) {
        pieces_.push_back({{}, file});
      });
}

Awaitable<asio::error_code> ResponseWriter::Send() {
  asio::error_code ec;
  // Corked, the frame headers and partition headers between file ranges leave in the same
  // segments as the records instead of as tiny packets of their own.
  const bool cork = has_files_;
  if (cork) SetCork(true);
  for (const Piece& piece : pieces_) {
    if (piece.file.size == 0) {
      gathered_.push_back(piece.bytes);
      continue;
    }
    if (!gathered_.empty()) {
      co_await asio::async_write(socket_, gathered_, asio::redirect_error(asio::use_awaitable, ec));
      gathered_.clear();
      if (ec) break;
    }
    ec = co_await SendFile(piece.file);
    if (ec) break;
  }
  if (!ec && !gathered_.empty()) {
    co_await asio::async_write(socket_, gathered_, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (cork && !ec) SetCork(false);
  pieces_.clear();
  gathered_.clear();
  has_files_ = false;
  co_return ec;
}

Awaitable<asio::error_code> ResponseWriter::SendFile(const FileRange& file) {
  asio::error_code ec;
  if (!socket_.native_non_blocking()) {
    socket_.native_non_blocking(true, ec);
    if (ec) co_return ec;
  }
  off_t offset = static_cast<off_t>(file.offset);
  size_t left = file.size;
  while (left > 0) {
    ssize_t n = ::sendfile(socket_.native_handle(), file.fd, &offset, left);
    if (n > 0) {
      left -= static_cast<size_t>(n);
    } else if (n == 0) {
      // The segment is shorter than the range the response promised; the client would read
      // garbage as the rest of the frame.
      co_return asio::error_code(EIO, asio::system_category());
    } else if (errno == EAGAIN) {
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_write,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    } else if (errno != EINTR) {
      co_return asio::error_code(errno, asio::system_category());
    }
  }
  co_return ec;
}

void ResponseWriter::SetCork(bool on) {
  int value = on ? 1 : 0;
  // Best effort: without TCP_CORK the same bytes still go out, in more packets.
  (void)::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

}  // namespace net
}  // namespace kpk::broker
