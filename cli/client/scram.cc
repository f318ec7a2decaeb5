#include "cli/client/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <map>

#include <fmt/core.h>

namespace kpk::cli {
inline namespace client {
namespace {

const EVP_MD* Md(ScramHash hash) {
  return hash == ScramHash::kSha256 ? EVP_sha256() : EVP_sha512();
}

// Servers reject nonces above a few hundred bytes; 24 random bytes is what Kafka's own client
// sends (as 32 base64 characters, none of them ',').
constexpr int kNonceBytes = 24;
// Kafka's minimum is 4096; an absurd count from a hostile server must not stall the CLI.
constexpr int kMaxIterations = 1 << 20;

// RFC 5802 5.1: ',' and '=' in the user name are escaped. (SASLprep is not applied: kpk passes
// user names and passwords as given, as librdkafka and Kafka's Java client do.)
std::string EscapeUser(std::string_view user) {
  std::string out;
  for (char c : user) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

// "a=1,b=2" -> {a: 1, b: 2}; the first of a repeated attribute wins. False on a malformed part.
bool ParseAttributes(std::string_view message, std::map<char, std::string>* out) {
  while (!message.empty()) {
    size_t comma = message.find(',');
    std::string_view part = message.substr(0, comma);
    if (part.size() < 2 || part[1] != '=') return false;
    out->emplace(part[0], std::string(part.substr(2)));
    if (comma == std::string_view::npos) break;
    message.remove_prefix(comma + 1);
  }
  return true;
}

Bytes Xor(const Bytes& a, const Bytes& b) {
  Bytes out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] ^ b[i];
  return out;
}

}  // namespace

Result<ScramHash> ScramHashOf(std::string_view mechanism) {
  if (mechanism == "SCRAM-SHA-256") return ScramHash::kSha256;
  if (mechanism == "SCRAM-SHA-512") return ScramHash::kSha512;
  return Err(Status::InvalidArgument(fmt::format("{} is not a SCRAM mechanism", mechanism)));
}

Bytes ScramDigest(ScramHash hash, ByteSpan data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &size, Md(hash), nullptr);
  out.resize(size);
  return out;
}

Bytes ScramHmac(ScramHash hash, ByteSpan key, ByteSpan data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  HMAC(Md(hash), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &size);
  out.resize(size);
  return out;
}

Bytes ScramSaltedPassword(ScramHash hash, std::string_view password, ByteSpan salt,
                          int iterations) {
  Bytes out(static_cast<size_t>(EVP_MD_get_size(Md(hash))));
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                    static_cast<int>(salt.size()), iterations, Md(hash),
                    static_cast<int>(out.size()), out.data());
  return out;
}

std::string Base64Encode(ByteSpan data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Err(Status::Corruption("base64 length is not a multiple of 4"));
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Err(Status::Corruption("invalid base64"));
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && padding < 2; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

ScramClient::ScramClient(ScramHash hash, std::string user, std::string password, std::string nonce)
    : hash_(hash),
      user_(std::move(user)),
      password_(std::move(password)),
      nonce_(std::move(nonce)) {
  if (nonce_.empty()) {
    uint8_t random[kNonceBytes];
    RAND_bytes(random, sizeof random);
    nonce_ = Base64Encode(ByteSpan(random, sizeof random));
  }
}

std::string ScramClient::ClientFirstBare() const {
  return fmt::format("n={},r={}", EscapeUser(user_), nonce_);
}

std::string ScramClient::ClientFirstMessage() const { return "n,," + ClientFirstBare(); }

Result<std::string> ScramClient::ClientFinalMessage(std::string_view server_first) {
  std::map<char, std::string> attrs;
  if (!ParseAttributes(server_first, &attrs) || !attrs.contains('r') || !attrs.contains('s') ||
      !attrs.contains('i')) {
    return Err(Status::Corruption("malformed SCRAM server-first-message"));
  }
  if (attrs.contains('m')) {
    return Err(Status::InvalidArgument("the server requires an unknown SCRAM extension"));
  }
  const std::string& server_nonce = attrs['r'];
  // RFC 5802 5.1: the server's nonce starts with the client's and adds its own part.
  if (server_nonce.size() <= nonce_.size() || !server_nonce.starts_with(nonce_)) {
    return Err(Status::Corruption("the SCRAM server nonce does not extend the client nonce"));
  }
  auto salt = Base64Decode(attrs['s']);
  if (!salt) return Err(Status::Corruption("malformed SCRAM salt"));
  int iterations = 0;
  const std::string& i = attrs['i'];
  auto [end, ec] = std::from_chars(i.data(), i.data() + i.size(), iterations);
  if (ec != std::errc() || end != i.data() + i.size() || iterations < 1 ||
      iterations > kMaxIterations) {
    return Err(Status::Corruption(fmt::format("SCRAM iteration count {} out of range", i)));
  }

  // RFC 5802 3: the proof is ClientKey XOR HMAC(StoredKey, AuthMessage).
  Bytes salted = ScramSaltedPassword(hash_, password_, *salt, iterations);
  Bytes client_key = ScramHmac(hash_, salted, AsBytes("Client Key"));
  Bytes stored_key = ScramDigest(hash_, client_key);
  // "biws" is base64("n,,"): no channel binding, no authorization identity.
  std::string final_without_proof = "c=biws,r=" + server_nonce;
  std::string auth_message =
      ClientFirstBare() + "," + std::string(server_first) + "," + final_without_proof;
  Bytes client_signature = ScramHmac(hash_, stored_key, AsBytes(auth_message));
  Bytes proof = Xor(client_key, client_signature);
  Bytes server_key = ScramHmac(hash_, salted, AsBytes("Server Key"));
  expected_server_signature_ = ScramHmac(hash_, server_key, AsBytes(auth_message));
  return final_without_proof + ",p=" + Base64Encode(proof);
}

Status ScramClient::VerifyServerFinal(std::string_view server_final) const {
  std::map<char, std::string> attrs;
  if (!ParseAttributes(server_final, &attrs)) {
    return Status::Corruption("malformed SCRAM server-final-message");
  }
  if (attrs.contains('e')) return Status::Unavailable("the server refused: " + attrs['e']);
  auto signature = attrs.contains('v') ? Base64Decode(attrs['v']) : Result<Bytes>(Bytes{});
  if (expected_server_signature_.empty() || !signature ||
      signature->size() != expected_server_signature_.size() ||
      CRYPTO_memcmp(signature->data(), expected_server_signature_.data(), signature->size()) != 0) {
    return Status::Unavailable(
        "the server's SCRAM signature does not match (not the real server?)");
  }
  return Status::OK();
}

}  // namespace client
}  // namespace kpk::cli
