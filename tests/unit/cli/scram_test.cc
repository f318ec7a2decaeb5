// kpk's SCRAM client: RFC 7677's SCRAM-SHA-256 example byte for byte, and a SCRAM-SHA-512
// exchange against a server played here from RFC 5802's definitions.
#include <doctest/doctest.h>

#include <string>

#include "cli/client/scram.h"

namespace kpk::cli {
namespace {

TEST_CASE("RFC 7677 SCRAM-SHA-256 test vector") {
  ScramClient client(ScramHash::kSha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  CHECK(client.ClientFirstMessage() == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  auto final_message = client.ClientFinalMessage(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  REQUIRE(final_message.has_value());
  CHECK(*final_message ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  CHECK(client.VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").ok());
  CHECK_FALSE(client.VerifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").ok());
  CHECK_FALSE(client.VerifyServerFinal("e=invalid-proof").ok());
}

// The server side of RFC 5802 section 3, from what a server stores for the user.
struct ScramServer {
  ScramHash hash;
  Bytes salt;
  int iterations;
  Bytes stored_key;
  Bytes server_key;

  ScramServer(ScramHash h, std::string_view password, Bytes s, int i)
      : hash(h), salt(std::move(s)), iterations(i) {
    Bytes salted = ScramSaltedPassword(hash, password, salt, iterations);
    stored_key = ScramDigest(hash, ScramHmac(hash, salted, AsBytes("Client Key")));
    server_key = ScramHmac(hash, salted, AsBytes("Server Key"));
  }

  // Checks the client's proof; returns the server-final-message, or "" if the proof is wrong.
  std::string Verify(const std::string& client_first_bare, const std::string& server_first,
                     const std::string& client_final) {
    size_t p = client_final.rfind(",p=");
    REQUIRE(p != std::string::npos);
    std::string without_proof = client_final.substr(0, p);
    auto proof = Base64Decode(client_final.substr(p + 3));
    REQUIRE(proof.has_value());
    std::string auth = client_first_bare + "," + server_first + "," + without_proof;
    Bytes signature = ScramHmac(hash, stored_key, AsBytes(auth));
    Bytes client_key(proof->size());
    for (size_t i = 0; i < client_key.size(); ++i) client_key[i] = (*proof)[i] ^ signature[i];
    if (ScramDigest(hash, client_key) != stored_key) return "";
    return "v=" + Base64Encode(ScramHmac(hash, server_key, AsBytes(auth)));
  }
};

TEST_CASE("SCRAM-SHA-512 round trip against a server") {
  ScramServer server(ScramHash::kSha512, "admin-secret", Bytes{1, 2, 3, 4, 5, 6, 7, 8}, 4096);
  for (std::string password : {"admin-secret", "wrong"}) {
    ScramClient client(ScramHash::kSha512, "ad,m=in", password);  // random nonce
    std::string first = client.ClientFirstMessage();
    REQUIRE(first.starts_with("n,,n=ad=2Cm=3Din,r="));
    std::string nonce = first.substr(first.find(",r=") + 3);
    CHECK(nonce.size() == 32);
    std::string server_first = "r=" + nonce + "srv-part,s=" + Base64Encode(server.salt) +
                               ",i=" + std::to_string(server.iterations);
    auto final_message = client.ClientFinalMessage(server_first);
    REQUIRE(final_message.has_value());
    // Exactly one nonce: the bug in librdkafka < 2.6.1 sent the client nonce a second time.
    CHECK(final_message->starts_with("c=biws,r=" + nonce + "srv-part,p="));
    std::string server_final = server.Verify(first.substr(3), server_first, *final_message);
    if (password == "admin-secret") {
      REQUIRE_FALSE(server_final.empty());
      CHECK(server_final.size() == 2 + 88);  // 64 bytes in base64
      CHECK(client.VerifyServerFinal(server_final).ok());
    } else {
      CHECK(server_final.empty());
    }
  }
}

TEST_CASE("a server nonce that does not extend the client's is refused") {
  ScramClient client(ScramHash::kSha512, "u", "p", "abc");
  CHECK_FALSE(client.ClientFinalMessage("r=xyzdef,s=AAAA,i=4096").has_value());
  CHECK_FALSE(client.ClientFinalMessage("r=abc,s=AAAA,i=4096").has_value());
  CHECK_FALSE(client.ClientFinalMessage("r=abcdef,s=AAAA,i=0").has_value());
  CHECK_FALSE(client.ClientFinalMessage("r=abcdef,i=4096").has_value());
  CHECK(client.ClientFinalMessage("r=abcdef,s=AAAA,i=4096").has_value());
  // No signature was expected before a client-final-message; none is accepted after a wrong one.
  CHECK_FALSE(client.VerifyServerFinal("v=AAAA").ok());
}

TEST_CASE("base64 round trip") {
  for (std::string text : {"", "a", "ab", "abc", "abcd"}) {
    std::string encoded = Base64Encode(AsBytes(text));
    auto decoded = Base64Decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(std::string(AsChars(*decoded)) == text);
  }
  CHECK_FALSE(Base64Decode("abc").has_value());
  CHECK(ScramHashOf("SCRAM-SHA-256").value() == ScramHash::kSha256);
  CHECK_FALSE(ScramHashOf("PLAIN").has_value());
}

}  // namespace
}  // namespace kpk::cli
