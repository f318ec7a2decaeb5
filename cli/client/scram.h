// The client side of SCRAM (RFC 5802) with SHA-256 and SHA-512 (RFC 7677), as Kafka's
// SCRAM-SHA-256 and SCRAM-SHA-512 mechanisms use it: no channel binding ("n,,"), the exchange
// carried in SaslAuthenticate. kpk does this itself because Debian 12's librdkafka 2.0.2 sends
// the client nonce twice in the client-final-message, which Kafka 4.x rejects
// (confluentinc/librdkafka#4895, fixed in 2.6.1).
//
// The math is OpenSSL's (PBKDF2, HMAC, digests); this file only frames the messages.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

enum class ScramHash { kSha256, kSha512 };

// The hash of "SCRAM-SHA-256" or "SCRAM-SHA-512"; an error for any other mechanism.
Result<ScramHash> ScramHashOf(std::string_view mechanism);

// RFC 5802's building blocks, exposed so that tests can play the server.
Bytes ScramDigest(ScramHash hash, ByteSpan data);              // H()
Bytes ScramHmac(ScramHash hash, ByteSpan key, ByteSpan data);  // HMAC()
Bytes ScramSaltedPassword(ScramHash hash, std::string_view password, ByteSpan salt,
                          int iterations);  // Hi(), PBKDF2
std::string Base64Encode(ByteSpan data);
Result<Bytes> Base64Decode(std::string_view text);

// One authentication exchange: client-first, then client-final from the server-first, then
// the server-final is checked against the server signature (the server proves it knows the
// salted password too, so a man in the middle cannot fake success).
class ScramClient {
 public:
  // `nonce` is the client nonce; empty picks a random one (production use).
  ScramClient(ScramHash hash, std::string user, std::string password, std::string nonce = "");

  // "n,,n=<user>,r=<client nonce>".
  std::string ClientFirstMessage() const;
  // "c=biws,r=<server nonce>,p=<proof>" for the server-first-message, which must extend the
  // client nonce and carry a salt and an iteration count.
  Result<std::string> ClientFinalMessage(std::string_view server_first);
  // OK when the server-final-message carries the expected server signature; the server's
  // error ("e=...") or a wrong signature otherwise.
  Status VerifyServerFinal(std::string_view server_final) const;

 private:
  std::string ClientFirstBare() const;

  ScramHash hash_;
  std::string user_;
  std::string password_;
  std::string nonce_;
  Bytes expected_server_signature_;  // set by ClientFinalMessage
};

}  // namespace client
}  // namespace kpk::cli
