// An in-process relay that authenticates connections for librdkafka: kpk speaks TLS and SCRAM
// itself, and librdkafka gets a plain connection that is already authenticated.
//
// Why: Debian 12's librdkafka 2.0.2 sends the client nonce twice in SCRAM's client-final-message
// (confluentinc/librdkafka#4895, fixed in 2.6.1); Kafka 4.x checks the nonce strictly and
// refuses every SCRAM login from it. With the relay, librdkafka is configured for plaintext and
// its connect callback (OnConnect below) binds each socket to a loopback port, records which
// broker that port wants, and connects it to the relay's listener on 127.0.0.1. For each
// connection the relay opens the real one (BrokerConnection: TCP, TLS, SaslHandshake,
// SaslAuthenticate) and then copies bytes both ways; librdkafka's ApiVersions and everything
// after travel over the authenticated connection.
//
// When opening fails the relay records why (a TLS verify error, the broker's SASL error
// message, ...) and closes librdkafka's side; the client reports that cause instead of
// librdkafka's "brokers are down".
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/client/broker_connection.h"
#include "cli/config/config.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

class AuthRelay {
 public:
  // Listens on 127.0.0.1 (a free port) and serves connections until destroyed.
  static Result<std::unique_ptr<AuthRelay>> Start(const ConnectionConfig& cfg);
  AuthRelay(const AuthRelay&) = delete;
  AuthRelay& operator=(const AuthRelay&) = delete;
  // Stops listening and waits for every connection's thread (each is bounded by the dial
  // timeout while opening and ends at once when relaying).
  ~AuthRelay();

  // librdkafka's connect_cb (rd_kafka_conf_set_connect_cb): `sockfd` wants `addr`, the broker
  // named `broker_name` ("host:port/id", optionally "proto://" first). Returns 0 or an errno.
  int Connect(int sockfd, const sockaddr* addr, int addrlen, const char* broker_name);

  // The latest failure to open a broker connection, if any; `fatal` when retrying cannot help
  // (TLS or SASL refused), so that a command can stop waiting.
  std::optional<ConnectFailure> LastFailure() const;

 private:
  explicit AuthRelay(const ConnectionConfig& cfg) : cfg_(cfg) {}
  void AcceptLoop();
  void Serve(int client_fd, BrokerEndpoint endpoint);
  void Record(const ConnectFailure& failure);

  ConnectionConfig cfg_;
  int listen_fd_ = -1;
  int listen_port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  std::map<uint16_t, BrokerEndpoint> pending_;  // librdkafka's local port -> where it goes
  std::vector<std::thread> threads_;            // one per connection
  std::optional<ConnectFailure> last_failure_;

  std::thread acceptor_;  // last: started once everything above exists
};

}  // namespace client
}  // namespace kpk::cli
