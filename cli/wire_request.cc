#include "cli/wire_request.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/request_header.h"
#include "broker/protocol/generated/response_header.h"

namespace kpk::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Frames above this are not a DescribeLogDirs answer kpk can use.
constexpr int32_t kMaxResponseBytes = 256 << 20;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Waits until the socket is ready for `events`; false on the deadline.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

Result<int> Connect(const std::string& host, int port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return Err(Status::Unavailable(fmt::format("resolving {}: {}", host, gai_strerror(rc))));
  }
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
        (errno == EINPROGRESS && WaitFor(fd, POLLOUT, deadline))) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        freeaddrinfo(found);
        return fd;
      }
      last_error = std::strerror(err);
    } else {
      last_error = errno == EINPROGRESS ? "timed out" : std::strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(found);
  return Err(Status::Unavailable(fmt::format("connecting to {}:{}: {}", host, port, last_error)));
}

Status WriteAll(int fd, ByteSpan data, Clock::time_point deadline) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd, POLLOUT, deadline)) return Status::TimedOut("sending the request");
    } else {
      return Status::FromErrno(errno, "sending the request");
    }
  }
  return Status::OK();
}

Status ReadExactly(int fd, uint8_t* out, size_t size, Clock::time_point deadline) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = recv(fd, out + done, size - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n == 0) {
      return Status::Unavailable("the broker closed the connection");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!WaitFor(fd, POLLIN, deadline)) return Status::TimedOut("waiting for the response");
    } else {
      return Status::FromErrno(errno, "reading the response");
    }
  }
  return Status::OK();
}

}  // namespace

Result<Bytes> WireRoundTrip(const std::string& host, int port, int16_t api_key, int16_t version,
                            const Bytes& body, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto fd = Connect(host, port, deadline);
  if (!fd) return Err(fd.error());
  Socket socket(*fd);

  constexpr int32_t kCorrelationId = 1;
  protocol::RequestHeader header;
  header.request_api_key = api_key;
  header.request_api_version = version;
  header.correlation_id = kCorrelationId;
  header.client_id = "kpk";
  ByteWriter frame;
  frame.WriteInt32(0);  // size, patched below
  header.Encode(frame, protocol::RequestHeaderVersion(api_key, version));
  frame.WriteBytes(ByteSpan(body));
  frame.PatchInt32(0, static_cast<int32_t>(frame.size() - 4));
  if (Status s = WriteAll(socket.fd(), frame.buffer(), deadline); !s.ok()) return Err(s);

  uint8_t size_bytes[4];
  if (Status s = ReadExactly(socket.fd(), size_bytes, 4, deadline); !s.ok()) return Err(s);
  const int32_t size = LoadBigEndian<int32_t>(size_bytes);
  if (size < 4 || size > kMaxResponseBytes) {
    return Err(Status::Corruption(fmt::format("response frame of {} bytes", size)));
  }
  Bytes response(static_cast<size_t>(size));
  if (Status s = ReadExactly(socket.fd(), response.data(), response.size(), deadline); !s.ok()) {
    return Err(s);
  }
  ByteReader r(response);
  protocol::ResponseHeader response_header;
  if (!response_header.Decode(r, protocol::ResponseHeaderVersion(api_key, version)) ||
      response_header.correlation_id != kCorrelationId) {
    return Err(Status::Corruption("malformed response header"));
  }
  return Bytes(response.begin() + static_cast<std::ptrdiff_t>(r.position()), response.end());
}

}  // namespace kpk::cli
