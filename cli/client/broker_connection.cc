#include "cli/client/broker_connection.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>
#include <librdkafka/rdkafka.h>
#include <optional>

#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/request_header.h"
#include "broker/protocol/generated/response_header.h"
#include "broker/protocol/generated/sasl_authenticate_request.h"
#include "broker/protocol/generated/sasl_authenticate_response.h"
#include "broker/protocol/generated/sasl_handshake_request.h"
#include "broker/protocol/generated/sasl_handshake_response.h"
#include "cli/client/scram.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace client {
namespace {

namespace protocol = ::kpk::broker::protocol;

// SaslHandshake v1 says the exchange travels in SaslAuthenticate requests (KIP-152); v0's raw
// tokens are gone from Kafka 4. SaslAuthenticate v1 is the newest non-flexible version.
constexpr int16_t kSaslHandshakeVersion = 1;
constexpr int16_t kSaslAuthenticateVersion = 1;
// Kafka error codes the SASL steps tell apart.
constexpr int16_t kUnsupportedSaslMechanism = 33;
constexpr int16_t kIllegalSaslState = 34;
// A response larger than this is not a Kafka answer kpk asked for.
constexpr int32_t kMaxResponseBytes = 256 << 20;
// How often blocking waits look at the cancel flag.
constexpr int kCancelCheckMs = 100;

std::string KafkaErrorName(int16_t code) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code));
}

// The first queued OpenSSL error as text, e.g. "certificate verify failed"; clears the queue.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", code);
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The poll event an SSL_read or SSL_write that could not go on waits for, if any.
std::optional<short> TlsWait(int ssl_error) {
  if (ssl_error == SSL_ERROR_WANT_READ) return POLLIN;
  if (ssl_error == SSL_ERROR_WANT_WRITE) return POLLOUT;
  return std::nullopt;
}

}  // namespace

struct BrokerConnection::TlsState {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~TlsState() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

std::string BrokerEndpoint::Name() const { return fmt::format("{}:{}", host, port); }

BrokerConnection::BrokerConnection(TcpClient tcp, std::string name, Clock::time_point deadline,
                                   const std::atomic<bool>* cancel)
    : tcp_(std::move(tcp)), name_(std::move(name)), deadline_(deadline), cancel_(cancel) {}

BrokerConnection::BrokerConnection(BrokerConnection&& other) noexcept
    : tcp_(std::move(other.tcp_)),
      name_(std::move(other.name_)),
      deadline_(other.deadline_),
      cancel_(other.cancel_),
      tls_(std::move(other.tls_)),
      next_correlation_id_(other.next_correlation_id_) {}

BrokerConnection::~BrokerConnection() = default;

tl::expected<BrokerConnection, ConnectFailure> BrokerConnection::Open(
    const BrokerEndpoint& endpoint, const ConnectionConfig& cfg, Clock::time_point deadline,
    const std::atomic<bool>* cancel) {
  const std::string& dial = endpoint.dial.empty() ? endpoint.host : endpoint.dial;
  auto tcp = TcpClient::Connect(dial, endpoint.port, deadline);
  if (!tcp) return tl::unexpected(ConnectFailure{tcp.error(), false});
  BrokerConnection conn(std::move(*tcp), endpoint.Name(), deadline, cancel);
  if (cfg.kafka_tls.enabled) {
    if (Status s = conn.StartTls(endpoint, cfg.kafka_tls); !s.ok()) {
      return tl::unexpected(ConnectFailure{s, s.code() != Status::Code::kTimedOut});
    }
  }
  if (!cfg.sasl.mechanism.empty()) {
    if (Status s = conn.Authenticate(cfg.sasl); !s.ok()) {
      return tl::unexpected(ConnectFailure{s, s.code() != Status::Code::kTimedOut});
    }
  }
  return conn;
}

bool BrokerConnection::Wait(short events) {
  pollfd p{tcp_.fd(), events, 0};
  for (;;) {
    if (cancel_ != nullptr && cancel_->load()) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) return false;
    int slice = static_cast<int>(std::min<int64_t>(left.count(), kCancelCheckMs));
    int n = poll(&p, 1, slice);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

Status BrokerConnection::StartTls(const BrokerEndpoint& endpoint, const TlsConfig& tls) {
  auto state = std::make_unique<TlsState>();
  state->ctx = SSL_CTX_new(TLS_client_method());
  if (state->ctx == nullptr) return Status::IOError("TLS setup: " + OpenSslError());
  SSL_CTX_set_min_proto_version(state->ctx, TLS1_2_VERSION);
  // The relay hands over whatever part of a buffer was written, and may retry with a buffer
  // that grew since.
  SSL_CTX_set_mode(state->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // As librdkafka: the given CA file replaces the system's trust store.
  int loaded = tls.ca_file.empty()
                   ? SSL_CTX_set_default_verify_paths(state->ctx)
                   : SSL_CTX_load_verify_locations(state->ctx, tls.ca_file.c_str(), nullptr);
  if (loaded != 1) {
    return Status::InvalidArgument(
        fmt::format("loading CA certificates {}: {}",
                    tls.ca_file.empty() ? "(system)" : Quote(tls.ca_file), OpenSslError()));
  }
  if (!tls.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(state->ctx, tls.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(state->ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
       SSL_CTX_check_private_key(state->ctx) != 1)) {
    return Status::InvalidArgument(fmt::format("loading client certificate {} and key {}: {}",
                                               Quote(tls.cert_file), Quote(tls.key_file),
                                               OpenSslError()));
  }
  SSL_CTX_set_verify(state->ctx, tls.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  state->ssl = SSL_new(state->ctx);
  if (state->ssl == nullptr) return Status::IOError("TLS setup: " + OpenSslError());
  SSL* ssl = state->ssl;
  SSL_set_fd(ssl, tcp_.fd());
  if (IsIpAddress(endpoint.host)) {
    // A certificate for an IP address names it in an iPAddress SAN; SNI carries no addresses.
    if (!tls.insecure_skip_verify) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), endpoint.host.c_str());
    }
  } else {
    SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
    if (!tls.insecure_skip_verify) SSL_set1_host(ssl, endpoint.host.c_str());
  }
  ERR_clear_error();
  for (;;) {
    int rc = SSL_connect(ssl);
    if (rc == 1) break;
    int err = SSL_get_error(ssl, rc);
    if (auto wait = TlsWait(err)) {
      if (!Wait(*wait)) {
        return Status::TimedOut(fmt::format("TLS handshake with {} timed out", name_));
      }
      continue;
    }
    unsigned long queued = ERR_peek_error();
    bool eof = err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && queued == 0) ||
               ERR_GET_REASON(queued) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
    if (eof) {
      ERR_clear_error();
      return Status::Unavailable(fmt::format(
          "connection closed by {} during the TLS handshake (is this a plaintext port?)", name_));
    }
    long verify = SSL_get_verify_result(ssl);
    std::string reason = err == SSL_ERROR_SYSCALL ? std::strerror(errno) : OpenSslError();
    if (verify != X509_V_OK) {
      return Status::Unavailable(fmt::format("TLS handshake with {} failed: {} ({})", name_, reason,
                                             X509_verify_cert_error_string(verify)));
    }
    if (reason == "wrong version number" || reason == "packet length too long") {
      reason += " (is this a plaintext port?)";
    }
    return Status::Unavailable(fmt::format("TLS handshake with {} failed: {}", name_, reason));
  }
  tls_ = std::move(state);
  return Status::OK();
}

Result<BrokerConnection::Step> BrokerConnection::ReadNow(uint8_t* out, size_t size) {
  Step step;
  if (!tls_) {
    ssize_t n = recv(tcp_.fd(), out, size, 0);
    if (n > 0) {
      step.bytes = static_cast<size_t>(n);
    } else if (n == 0) {
      step.closed = true;
    } else if (errno == EAGAIN || errno == EINTR) {
      step.wait_for = POLLIN;
    } else {
      return Err(Status::FromErrno(errno, "reading from " + name_));
    }
    return step;
  }
  ERR_clear_error();
  int n = SSL_read(tls_->ssl, out, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) {
    step.bytes = static_cast<size_t>(n);
    return step;
  }
  const int error = SSL_get_error(tls_->ssl, n);
  if (auto wait = TlsWait(error)) {
    step.wait_for = *wait;
    return step;
  }
  switch (error) {
    case SSL_ERROR_ZERO_RETURN:
      step.closed = true;
      return step;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0 && errno == 0) {
        step.closed = true;
        return step;
      }
      return Err(Status::FromErrno(errno, "reading from " + name_));
    default:
      if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        step.closed = true;
        return step;
      }
      return Err(Status::IOError(fmt::format("reading from {}: {}", name_, OpenSslError())));
  }
}

Result<BrokerConnection::Step> BrokerConnection::WriteNow(ByteSpan data) {
  Step step;
  if (!tls_) {
    ssize_t n = send(tcp_.fd(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      step.bytes = static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EINTR) {
      step.wait_for = POLLOUT;
    } else {
      return Err(Status::FromErrno(errno, "writing to " + name_));
    }
    return step;
  }
  ERR_clear_error();
  int n =
      SSL_write(tls_->ssl, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
  if (n > 0) {
    step.bytes = static_cast<size_t>(n);
    return step;
  }
  const int error = SSL_get_error(tls_->ssl, n);
  if (auto wait = TlsWait(error)) {
    step.wait_for = *wait;
    return step;
  }
  switch (error) {
    case SSL_ERROR_SYSCALL:
      return Err(Status::FromErrno(errno, "writing to " + name_));
    default:
      return Err(Status::IOError(fmt::format("writing to {}: {}", name_, OpenSslError())));
  }
}

bool BrokerConnection::HasBufferedInput() const { return tls_ && SSL_pending(tls_->ssl) > 0; }

Status BrokerConnection::WriteAll(ByteSpan data) {
  while (!data.empty()) {
    auto step = WriteNow(data);
    if (!step) return step.error();
    data = data.subspan(step->bytes);
    if (step->bytes == 0 && !Wait(step->wait_for)) {
      return Status::TimedOut("writing to " + name_);
    }
  }
  return Status::OK();
}

Status BrokerConnection::ReadExactly(uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    auto step = ReadNow(out + done, size - done);
    if (!step) return step.error();
    if (step->closed) return Status::Unavailable(name_ + " closed the connection");
    done += step->bytes;
    if (step->bytes == 0 && !Wait(step->wait_for)) {
      return Status::TimedOut("waiting for an answer from " + name_);
    }
  }
  return Status::OK();
}

Result<Bytes> BrokerConnection::RoundTrip(int16_t api_key, int16_t version, ByteSpan body) {
  const int32_t correlation_id = next_correlation_id_++;
  protocol::RequestHeader header;
  header.request_api_key = api_key;
  header.request_api_version = version;
  header.correlation_id = correlation_id;
  header.client_id = "kpk";
  ByteWriter frame;
  frame.WriteInt32(0);  // size, patched below
  header.Encode(frame, protocol::RequestHeaderVersion(api_key, version));
  frame.WriteBytes(body);
  frame.PatchInt32(0, static_cast<int32_t>(frame.size() - 4));
  if (Status s = WriteAll(frame.buffer()); !s.ok()) return Err(s);

  uint8_t size_bytes[4];
  if (Status s = ReadExactly(size_bytes, 4); !s.ok()) return Err(s);
  // A TLS record (alert or handshake, version 3.x) where a frame size should be: a TLS
  // listener answering a plaintext request.
  if (!tls_ && (size_bytes[0] == 0x15 || size_bytes[0] == 0x16) && size_bytes[1] == 0x03) {
    return Err(Status::Unavailable(fmt::format(
        "{} answered with TLS (is this a TLS port? set tls.enabled=true or tls.ca)", name_)));
  }
  const int32_t size = LoadBigEndian<int32_t>(size_bytes);
  if (size < 4 || size > kMaxResponseBytes) {
    return Err(Status::Corruption(fmt::format("response frame of {} bytes from {}", size, name_)));
  }
  Bytes response(static_cast<size_t>(size));
  if (Status s = ReadExactly(response.data(), response.size()); !s.ok()) return Err(s);
  ByteReader r(response);
  protocol::ResponseHeader response_header;
  if (!response_header.Decode(r, protocol::ResponseHeaderVersion(api_key, version)) ||
      response_header.correlation_id != correlation_id) {
    return Err(Status::Corruption("malformed response header from " + name_));
  }
  return Bytes(response.begin() + static_cast<std::ptrdiff_t>(r.position()), response.end());
}

Result<Bytes> BrokerConnection::SaslExchange(ByteSpan auth_bytes) {
  protocol::SaslAuthenticateRequest request;
  request.auth_bytes.assign(auth_bytes.begin(), auth_bytes.end());
  ByteWriter w;
  request.Encode(w, kSaslAuthenticateVersion);
  auto body =
      RoundTrip(protocol::SaslAuthenticateRequest::kApiKey, kSaslAuthenticateVersion, w.buffer());
  if (!body) {
    return Err(Status(body.error().code() == Status::Code::kTimedOut
                          ? Status::TimedOut("SASL authentication with " + name_ + " timed out")
                          : Status::Unavailable("SASL authentication with " + name_ +
                                                " failed: " + body.error().message())));
  }
  ByteReader r(*body);
  protocol::SaslAuthenticateResponse response;
  if (!response.Decode(r, kSaslAuthenticateVersion)) {
    return Err(Status::Corruption("malformed SaslAuthenticate response from " + name_));
  }
  if (response.error_code != 0) {
    std::string why = response.error_message.value_or("");
    if (why.empty()) why = KafkaErrorName(response.error_code);
    return Err(Status::Unavailable("SASL authentication failed: " + why));
  }
  return std::move(response.auth_bytes);
}

Status BrokerConnection::Authenticate(const SaslConfig& sasl) {
  protocol::SaslHandshakeRequest handshake;
  handshake.mechanism = sasl.mechanism;
  ByteWriter w;
  handshake.Encode(w, kSaslHandshakeVersion);
  auto body = RoundTrip(protocol::SaslHandshakeRequest::kApiKey, kSaslHandshakeVersion, w.buffer());
  if (!body) {
    return Status::Unavailable(
        fmt::format("broker {} does not answer SaslHandshake (is this a SASL listener?): {}", name_,
                    body.error().message()));
  }
  ByteReader r(*body);
  protocol::SaslHandshakeResponse offered;
  if (!offered.Decode(r, kSaslHandshakeVersion)) {
    return Status::Corruption("malformed SaslHandshake response from " + name_);
  }
  if (offered.error_code == kIllegalSaslState) {
    return Status::Unavailable(
        fmt::format("broker {} does not answer SaslHandshake (is this a SASL listener?): {}", name_,
                    KafkaErrorName(offered.error_code)));
  }
  if (offered.error_code == kUnsupportedSaslMechanism) {
    return Status::Unavailable(
        fmt::format("broker {} does not offer SASL mechanism {} (it offers {})", name_,
                    sasl.mechanism, Join(offered.mechanisms, ", ")));
  }
  if (offered.error_code != 0) {
    return Status::Unavailable(
        fmt::format("SaslHandshake with {} failed: {}", name_, KafkaErrorName(offered.error_code)));
  }

  if (sasl.mechanism == "PLAIN") {
    // RFC 4616: authzid NUL authcid NUL password, with no authorization identity.
    std::string message = '\0' + sasl.user + '\0' + sasl.password;
    auto reply = SaslExchange(AsBytes(message));
    return reply ? Status::OK() : reply.error();
  }
  auto hash = ScramHashOf(sasl.mechanism);
  if (!hash) return hash.error();
  ScramClient scram(*hash, sasl.user, sasl.password);
  auto server_first = SaslExchange(AsBytes(scram.ClientFirstMessage()));
  if (!server_first) return server_first.error();
  auto client_final = scram.ClientFinalMessage(AsChars(*server_first));
  if (!client_final) {
    return Status::Unavailable("SASL authentication failed: " + client_final.error().message());
  }
  auto server_final = SaslExchange(AsBytes(*client_final));
  if (!server_final) return server_final.error();
  if (Status s = scram.VerifyServerFinal(AsChars(*server_final)); !s.ok()) {
    return Status::Unavailable("SASL authentication failed: " + s.message());
  }
  return Status::OK();
}

}  // namespace client
}  // namespace kpk::cli
