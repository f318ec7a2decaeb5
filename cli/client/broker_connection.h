// The one place where kpk itself opens an authenticated Kafka connection: TCP, then TLS
// (OpenSSL, verifying the broker's certificate and name as librdkafka would), then SASL
// (SaslHandshake v1 and SaslAuthenticate v1 with PLAIN, or SCRAM done by scram.h).
//
// Used by the SCRAM relay (auth_relay.h), which hands librdkafka connections this opened, and
// by kpk's own wire requests (wire_request.h). Every step is bounded by one deadline, and a
// failure says which step failed and why, in words a user can act on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cli/client/tcp_client.h"
#include "cli/config/config.h"
#include "common/bytes.h"
#include "common/status.h"

typedef struct ssl_st SSL;

namespace kpk::cli {
inline namespace client {

// Where a connection goes: `host` is the name the broker's certificate must carry (as given
// or advertised), `dial` the address to connect to (the same as host unless already resolved).
struct BrokerEndpoint {
  std::string host;
  int port = 0;
  std::string dial;
  std::string Name() const;  // "host:port", as errors print it
};

// Why opening a connection failed. `fatal` failures (TLS, SASL) will not go away by retrying;
// TCP failures (nothing listening yet) may.
struct ConnectFailure {
  Status status;
  bool fatal = false;
};

class BrokerConnection {
 public:
  using Clock = TcpClient::Clock;

  // TCP to the endpoint, then TLS when cfg.kafka_tls.enabled, then SASL when
  // cfg.sasl.mechanism is set. `cancel`, when given and set, ends waits early (the relay's
  // shutdown).
  static tl::expected<BrokerConnection, ConnectFailure> Open(
      const BrokerEndpoint& endpoint, const ConnectionConfig& cfg, Clock::time_point deadline,
      const std::atomic<bool>* cancel = nullptr);

  BrokerConnection(BrokerConnection&& other) noexcept;
  BrokerConnection& operator=(BrokerConnection&&) = delete;
  ~BrokerConnection();

  // One request (header added here) and its response body (header checked and removed).
  Result<Bytes> RoundTrip(int16_t api_key, int16_t version, ByteSpan body);

  // Blocking, until the deadline.
  Status WriteAll(ByteSpan data);
  Status ReadExactly(uint8_t* out, size_t size);
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  // Non-blocking steps for the relay's poll loop: how many bytes moved; with none moved,
  // `wait_for` says what the socket must become first (POLLIN or POLLOUT: TLS may need to
  // read to write and the other way round), and `closed` that the broker closed cleanly.
  struct Step {
    size_t bytes = 0;
    short wait_for = 0;
    bool closed = false;
  };
  Result<Step> ReadNow(uint8_t* out, size_t size);
  Result<Step> WriteNow(ByteSpan data);
  // Decrypted bytes waiting in the TLS layer, which poll() cannot see.
  bool HasBufferedInput() const;
  int fd() const { return tcp_.fd(); }
  const std::string& name() const { return name_; }

 private:
  struct TlsState;
  BrokerConnection(TcpClient tcp, std::string name, Clock::time_point deadline,
                   const std::atomic<bool>* cancel);

  Status StartTls(const BrokerEndpoint& endpoint, const TlsConfig& tls);
  Status Authenticate(const SaslConfig& sasl);
  Result<Bytes> SaslExchange(ByteSpan auth_bytes);
  // Waits for the socket to become ready for `events`; false on the deadline or cancel.
  bool Wait(short events);

  TcpClient tcp_;
  std::string name_;
  Clock::time_point deadline_;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<TlsState> tls_;  // null on plaintext connections
  int32_t next_correlation_id_ = 1;
};

}  // namespace client
}  // namespace kpk::cli
