// BrokerConnection's SASL steps and the SCRAM relay against a fake broker on 127.0.0.1 that
// speaks SaslHandshake v1 and SaslAuthenticate v1 (no TLS: TLS is covered end to end by
// e2e_cli_security_kafka against Apache Kafka). Each fake serves one connection.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/request_header.h"
#include "broker/protocol/generated/response_header.h"
#include "broker/protocol/generated/sasl_authenticate_request.h"
#include "broker/protocol/generated/sasl_authenticate_response.h"
#include "broker/protocol/generated/sasl_handshake_request.h"
#include "broker/protocol/generated/sasl_handshake_response.h"
#include "cli/client/auth_relay.h"
#include "cli/client/broker_connection.h"
#include "cli/client/scram.h"

namespace kpk::cli {
namespace {

namespace protocol = ::kpk::broker::protocol;
using Clock = BrokerConnection::Clock;

constexpr char kBadCredentials[] =
    "Authentication failed during authentication due to invalid credentials with SASL "
    "mechanism SCRAM-SHA-512";

enum class Behaviour { kScram, kNotSasl, kAnswersTls };

// A one-connection broker: authenticates with SCRAM-SHA-512 (user "admin", password
// "admin-secret"), then echoes whatever it receives.
class FakeBroker {
 public:
  explicit FakeBroker(Behaviour behaviour) : behaviour_(behaviour) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(listen(listen_fd_, 4) == 0);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeBroker() {
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  // Reads one request frame; false when the peer closed or 5 s passed.
  bool ReadFrame(int fd, Bytes* frame) {
    uint8_t size[4];
    if (!ReadAll(fd, size, 4)) return false;
    frame->resize(static_cast<size_t>(LoadBigEndian<int32_t>(size)));
    return ReadAll(fd, frame->data(), frame->size());
  }
  static bool ReadAll(int fd, uint8_t* out, size_t n) {
    while (n > 0) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 5000) != 1) return false;
      ssize_t got = recv(fd, out, n, 0);
      if (got <= 0) return false;
      out += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }
  template <class Response>
  static void Reply(int fd, int16_t api_key, int32_t correlation_id, const Response& body) {
    ByteWriter w;
    w.WriteInt32(0);
    protocol::ResponseHeader header;
    header.correlation_id = correlation_id;
    header.Encode(w, protocol::ResponseHeaderVersion(api_key, 1));
    body.Encode(w, 1);
    w.PatchInt32(0, static_cast<int32_t>(w.size() - 4));
    send(fd, w.buffer().data(), w.size(), MSG_NOSIGNAL);
  }
  // The request's header and body, both at version 1 (what BrokerConnection sends).
  template <class Request>
  static bool Decode(const Bytes& frame, protocol::RequestHeader* header, Request* request) {
    ByteReader r(frame);
    int16_t key = LoadBigEndian<int16_t>(frame.data());
    return header->Decode(r, protocol::RequestHeaderVersion(key, 1)) && request->Decode(r, 1);
  }

  void Serve() {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) return;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (behaviour_ == Behaviour::kAnswersTls) {
      const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50};
      send(fd, alert, sizeof alert, MSG_NOSIGNAL);
    } else {
      Authenticate(fd);
    }
    close(fd);
  }

  void Authenticate(int fd) {
    Bytes frame;
    protocol::RequestHeader header;
    protocol::SaslHandshakeRequest handshake;
    if (!ReadFrame(fd, &frame) || !Decode(frame, &header, &handshake)) return;
    protocol::SaslHandshakeResponse offered;
    if (behaviour_ == Behaviour::kNotSasl) {
      offered.error_code = 34;  // ILLEGAL_SASL_STATE, as Kafka's PLAINTEXT listener answers
      Reply(fd, 17, header.correlation_id, offered);
      return;
    }
    offered.mechanisms = {"SCRAM-SHA-512"};
    Reply(fd, 17, header.correlation_id, offered);

    const Bytes salt = {9, 8, 7, 6};
    Bytes salted = ScramSaltedPassword(ScramHash::kSha512, "admin-secret", salt, 4096);
    Bytes client_key = ScramHmac(ScramHash::kSha512, salted, AsBytes("Client Key"));
    Bytes stored_key = ScramDigest(ScramHash::kSha512, client_key);
    Bytes server_key = ScramHmac(ScramHash::kSha512, salted, AsBytes("Server Key"));

    protocol::SaslAuthenticateRequest auth;
    if (!ReadFrame(fd, &frame) || !Decode(frame, &header, &auth)) return;
    std::string client_first(AsChars(auth.auth_bytes));
    std::string bare = client_first.substr(3);  // after "n,,"
    std::string nonce = bare.substr(bare.find(",r=") + 3);
    std::string server_first = "r=" + nonce + "fake,s=" + Base64Encode(salt) + ",i=4096";
    protocol::SaslAuthenticateResponse first;
    first.auth_bytes.assign(server_first.begin(), server_first.end());
    Reply(fd, 36, header.correlation_id, first);

    if (!ReadFrame(fd, &frame) || !Decode(frame, &header, &auth)) return;
    std::string client_final(AsChars(auth.auth_bytes));
    size_t p = client_final.rfind(",p=");
    std::string auth_message = bare + "," + server_first + "," + client_final.substr(0, p);
    Bytes proof = Base64Decode(client_final.substr(p + 3)).value();
    Bytes signature = ScramHmac(ScramHash::kSha512, stored_key, AsBytes(auth_message));
    for (size_t i = 0; i < proof.size() && i < signature.size(); ++i) proof[i] ^= signature[i];
    protocol::SaslAuthenticateResponse last;
    if (ScramDigest(ScramHash::kSha512, proof) != stored_key) {
      last.error_code = 58;  // SASL_AUTHENTICATION_FAILED
      last.error_message = kBadCredentials;
      Reply(fd, 36, header.correlation_id, last);
      return;
    }
    std::string server_final =
        "v=" + Base64Encode(ScramHmac(ScramHash::kSha512, server_key, AsBytes(auth_message)));
    last.auth_bytes.assign(server_final.begin(), server_final.end());
    Reply(fd, 36, header.correlation_id, last);

    // Authenticated: echo until the peer closes.
    uint8_t buf[4096];
    for (;;) {
      pollfd q{fd, POLLIN, 0};
      if (poll(&q, 1, 5000) != 1) return;
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
    }
  }

  Behaviour behaviour_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

ConnectionConfig Scram(std::string password) {
  ConnectionConfig cfg;
  cfg.sasl = {"SCRAM-SHA-512", "admin", std::move(password)};
  return cfg;
}

auto Open(int port, const ConnectionConfig& cfg) {
  return BrokerConnection::Open({"127.0.0.1", port, ""}, cfg,
                                Clock::now() + std::chrono::seconds(5));
}

TEST_CASE("SCRAM-SHA-512 login, then the connection carries bytes") {
  FakeBroker broker(Behaviour::kScram);
  auto conn = Open(broker.port(), Scram("admin-secret"));
  REQUIRE_MESSAGE(conn.has_value(), conn.error().status.message());
  REQUIRE(conn->WriteAll(AsBytes("ping")).ok());
  uint8_t back[4];
  REQUIRE(conn->ReadExactly(back, 4).ok());
  CHECK(std::string(reinterpret_cast<char*>(back), 4) == "ping");
}

TEST_CASE("a wrong password reports the broker's message, as fatal") {
  FakeBroker broker(Behaviour::kScram);
  auto conn = Open(broker.port(), Scram("wrong"));
  REQUIRE_FALSE(conn.has_value());
  CHECK(conn.error().fatal);
  CHECK(conn.error().status.message() ==
        std::string("SASL authentication failed: ") + kBadCredentials);
}

TEST_CASE("a listener without SASL and a TLS listener are named as such") {
  {
    FakeBroker broker(Behaviour::kNotSasl);
    auto conn = Open(broker.port(), Scram("admin-secret"));
    REQUIRE_FALSE(conn.has_value());
    CHECK(conn.error().status.message().find("is this a SASL listener?") != std::string::npos);
  }
  {
    FakeBroker broker(Behaviour::kAnswersTls);
    auto conn = Open(broker.port(), Scram("admin-secret"));
    REQUIRE_FALSE(conn.has_value());
    CHECK(conn.error().status.message().find("answered with TLS") != std::string::npos);
  }
}

TEST_CASE("nothing listening is not fatal (the broker may be starting)") {
  int port = 0;
  {
    FakeBroker broker(Behaviour::kAnswersTls);  // a port that was free a moment ago
    port = broker.port();
    int fd = socket(AF_INET, SOCK_STREAM, 0);  // served by the fake, so it ends
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    close(fd);
  }
  auto conn = Open(port, Scram("admin-secret"));
  REQUIRE_FALSE(conn.has_value());
  CHECK_FALSE(conn.error().fatal);
}

// librdkafka's side, as its connect callback would be called: a plain socket that ends up
// authenticated to the broker.
int ConnectThroughRelay(AuthRelay& relay, int broker_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in broker{};
  broker.sin_family = AF_INET;
  broker.sin_port = htons(static_cast<uint16_t>(broker_port));
  broker.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string name = "127.0.0.1:" + std::to_string(broker_port) + "/bootstrap";
  REQUIRE(relay.Connect(fd, reinterpret_cast<sockaddr*>(&broker), sizeof broker, name.c_str()) ==
          0);
  return fd;
}

TEST_CASE("the relay authenticates, then pipes both ways") {
  FakeBroker broker(Behaviour::kScram);
  auto relay = AuthRelay::Start(Scram("admin-secret"));
  REQUIRE(relay.has_value());
  int fd = ConnectThroughRelay(**relay, broker.port());
  REQUIRE(send(fd, "hello", 5, MSG_NOSIGNAL) == 5);
  char back[5];
  size_t got = 0;
  while (got < 5) {
    pollfd p{fd, POLLIN, 0};
    REQUIRE(poll(&p, 1, 5000) == 1);
    ssize_t n = recv(fd, back + got, 5 - got, 0);
    REQUIRE(n > 0);
    got += static_cast<size_t>(n);
  }
  CHECK(std::string(back, 5) == "hello");
  CHECK_FALSE((*relay)->LastFailure().has_value());
  close(fd);
}

TEST_CASE("the relay records a refused login and closes librdkafka's side") {
  FakeBroker broker(Behaviour::kScram);
  auto relay = AuthRelay::Start(Scram("wrong"));
  REQUIRE(relay.has_value());
  int fd = ConnectThroughRelay(**relay, broker.port());
  pollfd p{fd, POLLIN, 0};
  REQUIRE(poll(&p, 1, 5000) == 1);
  char c;
  CHECK(recv(fd, &c, 1, 0) <= 0);  // closed
  auto failure = (*relay)->LastFailure();
  REQUIRE(failure.has_value());
  CHECK(failure->fatal);
  CHECK(failure->status.message().find("invalid credentials") != std::string::npos);
  close(fd);
}

}  // namespace
}  // namespace kpk::cli
