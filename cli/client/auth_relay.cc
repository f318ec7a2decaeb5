#include "cli/client/auth_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "common/log.h"

namespace kpk::cli {
inline namespace client {
namespace {

// How often blocked loops look at the stop flag.
constexpr int kStopCheckMs = 200;
// Bytes buffered per direction before the relay stops reading that side (back pressure).
constexpr size_t kBufferCap = 256 << 10;

// The host in librdkafka's broker name: "sasl_ssl://broker-1:9093/1", "10.0.0.1:9092/bootstrap"
// or "[::1]:9092/2" -> "broker-1", "10.0.0.1", "::1". Empty if it does not parse.
std::string HostOfBrokerName(std::string_view name) {
  if (size_t scheme = name.find("://"); scheme != std::string_view::npos) {
    name.remove_prefix(scheme + 3);
  }
  name = name.substr(0, name.rfind('/'));
  size_t colon = name.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  name = name.substr(0, colon);
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

// The loopback address in `family`: 127.0.0.1, or ::ffff:127.0.0.1 on an IPv6 socket (which
// reaches the IPv4 listener). Port in network order.
socklen_t Loopback(int family, uint16_t port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  if (family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(out);
    a->sin6_family = AF_INET6;
    a->sin6_port = port;
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &a->sin6_addr);
    return sizeof *a;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(out);
  a->sin_family = AF_INET;
  a->sin_port = port;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof *a;
}

// The numeric address and port in `addr`.
bool Numeric(const sockaddr* addr, std::string* ip, int* port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr->sa_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    *port = ntohs(a->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    *port = ntohs(a->sin6_port);
  } else {
    return false;
  }
  *ip = text;
  return true;
}

uint16_t PortOf(const sockaddr_storage& addr) {
  return addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port)
                                    : ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
}

// A byte queue for one direction of the relay.
struct Pending {
  Bytes bytes;
  size_t start = 0;
  bool empty() const { return start == bytes.size(); }
  bool has_room() const { return bytes.size() - start < kBufferCap; }
  ByteSpan data() const { return ByteSpan(bytes).subspan(start); }
  void Consume(size_t n) {
    start += n;
    if (start == bytes.size()) {
      bytes.clear();
      start = 0;
    }
  }
};

}  // namespace

Result<std::unique_ptr<AuthRelay>> AuthRelay::Start(const ConnectionConfig& cfg) {
  std::unique_ptr<AuthRelay> relay(new AuthRelay(cfg));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Err(Status::FromErrno(errno, "creating the SASL relay's socket"));
  sockaddr_storage addr;
  socklen_t len = Loopback(AF_INET, 0, &addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    return Err(Status::FromErrno(err, "listening on 127.0.0.1 for the SASL relay"));
  }
  relay->listen_fd_ = fd;
  relay->listen_port_ = PortOf(addr);
  relay->acceptor_ = std::thread([r = relay.get()] { r->AcceptLoop(); });
  return relay;
}

AuthRelay::~AuthRelay() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  for (std::thread& t : threads_) t.join();  // the acceptor, which adds to it, has ended
}

int AuthRelay::Connect(int sockfd, const sockaddr* addr, int /*addrlen*/, const char* broker_name) {
  BrokerEndpoint endpoint;
  if (!Numeric(addr, &endpoint.dial, &endpoint.port)) return EAFNOSUPPORT;
  endpoint.host = HostOfBrokerName(broker_name != nullptr ? broker_name : "");
  if (endpoint.host.empty()) endpoint.host = endpoint.dial;

  // librdkafka's socket gets its own loopback port, by which the relay knows where it goes.
  sockaddr_storage local;
  socklen_t len = Loopback(addr->sa_family, 0, &local);
  if (bind(sockfd, reinterpret_cast<sockaddr*>(&local), len) != 0 ||
      getsockname(sockfd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    return errno;
  }
  uint16_t port = PortOf(local);
  {
    std::lock_guard lock(mu_);
    pending_[port] = endpoint;
  }
  Debug("SASL relay: librdkafka's {} (local port {}) goes to {} ({})", broker_name, port,
        endpoint.Name(), endpoint.dial);
  sockaddr_storage relay;
  len = Loopback(addr->sa_family, htons(static_cast<uint16_t>(listen_port_)), &relay);
  if (connect(sockfd, reinterpret_cast<sockaddr*>(&relay), len) == 0 || errno == EINPROGRESS) {
    return 0;
  }
  int err = errno;
  std::lock_guard lock(mu_);
  pending_.erase(port);
  return err;
}

std::optional<ConnectFailure> AuthRelay::LastFailure() const {
  std::lock_guard lock(mu_);
  return last_failure_;
}

void AuthRelay::Record(const ConnectFailure& failure) {
  std::lock_guard lock(mu_);
  // A fatal cause (TLS, SASL) is what the user needs to see; a later "connection refused"
  // from another broker must not hide it.
  if (last_failure_ && last_failure_->fatal && !failure.fatal) return;
  last_failure_ = failure;
}

void AuthRelay::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    int n = poll(&p, 1, kStopCheckMs);
    if (n <= 0) continue;
    sockaddr_storage peer;
    socklen_t len = sizeof peer;
    int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::optional<BrokerEndpoint> endpoint;
    {
      std::lock_guard lock(mu_);
      if (auto it = pending_.find(PortOf(peer)); it != pending_.end()) {
        endpoint = std::move(it->second);
        pending_.erase(it);
      }
    }
    if (!endpoint) {  // not one of librdkafka's sockets
      close(fd);
      continue;
    }
    std::lock_guard lock(mu_);
    threads_.emplace_back(
        [this, fd, e = std::move(*endpoint)]() mutable { Serve(fd, std::move(e)); });
  }
}

void AuthRelay::Serve(int client_fd, BrokerEndpoint endpoint) {
  auto broker = BrokerConnection::Open(
      endpoint, cfg_, BrokerConnection::Clock::now() + cfg_.dial_timeout, &stopping_);
  if (!broker) {
    Debug("SASL relay: {}: {}", endpoint.Name(), broker.error().status.message());
    Record(broker.error());
    close(client_fd);
    return;
  }
  Debug("SASL relay: authenticated to {}", endpoint.Name());

  Pending to_broker, to_client;
  bool client_closed = false, broker_closed = false;
  while (!stopping_) {
    bool moved = false;
    short broker_wants = 0;
    if (!client_closed && to_broker.has_room()) {
      uint8_t buf[64 << 10];
      ssize_t n = recv(client_fd, buf, sizeof buf, 0);
      if (n > 0) {
        to_broker.bytes.insert(to_broker.bytes.end(), buf, buf + n);
        moved = true;
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        client_closed = true;
      }
    }
    if (!to_broker.empty()) {
      auto step = broker->WriteNow(to_broker.data());
      if (!step) break;
      to_broker.Consume(step->bytes);
      moved |= step->bytes > 0;
      broker_wants |= step->wait_for;
    }
    if (!broker_closed && to_client.has_room()) {
      uint8_t buf[64 << 10];
      auto step = broker->ReadNow(buf, sizeof buf);
      if (!step) break;
      to_client.bytes.insert(to_client.bytes.end(), buf, buf + step->bytes);
      moved |= step->bytes > 0;
      broker_closed = step->closed;
      broker_wants |= step->wait_for;
    }
    if (!to_client.empty()) {
      ssize_t n = send(client_fd, to_client.data().data(), to_client.data().size(), MSG_NOSIGNAL);
      if (n > 0) {
        to_client.Consume(static_cast<size_t>(n));
        moved = true;
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        break;
      }
    }
    // One side is gone and what it was owed has been delivered: librdkafka closing its socket
    // ends the broker connection, and the broker closing ends librdkafka's.
    if ((client_closed && to_broker.empty()) || (broker_closed && to_client.empty())) break;
    if (moved) continue;
    pollfd fds[2] = {{client_fd, 0, 0}, {broker->fd(), broker_wants, 0}};
    if (!client_closed && to_broker.has_room()) fds[0].events |= POLLIN;
    if (!to_client.empty()) fds[0].events |= POLLOUT;
    poll(fds, 2, broker->HasBufferedInput() ? 0 : kStopCheckMs);
  }
  close(client_fd);
}

}  // namespace client
}  // namespace kpk::cli
