#include "cli/client/tcp_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace kpk::cli {
inline namespace client {
namespace {

using Clock = TcpClient::Clock;

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

}  // namespace

Result<TcpClient> TcpClient::Connect(const std::string& host, int port,
                                     Clock::time_point deadline) {
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
        return TcpClient(fd, deadline);
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

TcpClient::TcpClient(TcpClient&& other) noexcept : fd_(other.fd_), deadline_(other.deadline_) {
  other.fd_ = -1;
}

TcpClient::~TcpClient() {
  if (fd_ >= 0) close(fd_);
}

Status TcpClient::WriteAll(ByteSpan data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd_, POLLOUT, deadline_)) return Status::TimedOut("sending the request");
    } else {
      return Status::FromErrno(errno, "sending the request");
    }
  }
  return Status::OK();
}

Result<size_t> TcpClient::ReadSome(uint8_t* out, size_t size) {
  for (;;) {
    ssize_t n = recv(fd_, out, size, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EAGAIN && errno != EINTR) {
      return Err(Status::FromErrno(errno, "reading the response"));
    }
    if (!WaitFor(fd_, POLLIN, deadline_)) {
      return Err(Status::TimedOut("waiting for the response"));
    }
  }
}

Status TcpClient::ReadExactly(uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    auto n = ReadSome(out + done, size - done);
    if (!n) return n.error();
    if (*n == 0) return Status::Unavailable("the server closed the connection");
    done += *n;
  }
  return Status::OK();
}

}  // namespace client
}  // namespace kpk::cli
