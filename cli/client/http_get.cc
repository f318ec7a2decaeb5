#include "cli/client/http_get.h"

#include <fmt/core.h>

#include <cctype>
#include <cstdlib>

#include "cli/client/tcp_client.h"

namespace kpk::cli {
inline namespace client {
namespace {

// "HTTP/1.1 200 OK": the status line is all kpk reads of the answer.
Result<int> ParseStatusLine(std::string_view line) {
  if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ') {
    return Err(Status::Corruption("not an HTTP response"));
  }
  int status = 0;
  for (char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') return Err(Status::Corruption("malformed HTTP status"));
    status = status * 10 + (c - '0');
  }
  return status;
}

}  // namespace

Result<int> HttpGetStatus(const std::string& host, int port, std::string_view path,
                          std::chrono::milliseconds timeout) {
  auto connection = TcpClient::Connect(host, port, TcpClient::Clock::now() + timeout);
  if (!connection) return Err(connection.error());
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: kpk\r\nConnection: close\r\n\r\n",
                  path, host, port);
  if (Status s = connection->WriteAll(AsBytes(request)); !s.ok()) return Err(s);
  std::string head;
  uint8_t chunk[512];
  while (head.find("\r\n") == std::string::npos) {
    auto n = connection->ReadSome(chunk, sizeof chunk);
    if (!n) return Err(n.error());
    if (*n == 0 || head.size() > 4096) return Err(Status::Corruption("no HTTP status line"));
    head.append(reinterpret_cast<const char*>(chunk), *n);
  }
  return ParseStatusLine(std::string_view(head).substr(0, head.find("\r\n")));
}

Result<HttpReply> HttpGet(const std::string& host, int port, std::string_view path,
                          std::chrono::milliseconds timeout) {
  auto connection = TcpClient::Connect(host, port, TcpClient::Clock::now() + timeout);
  if (!connection) return Err(connection.error());
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: kpk\r\nConnection: close\r\n\r\n",
                  path, host, port);
  if (Status s = connection->WriteAll(AsBytes(request)); !s.ok()) return Err(s);
  std::string data;
  uint8_t chunk[16384];
  for (;;) {
    auto n = connection->ReadSome(chunk, sizeof chunk);
    if (!n) return Err(n.error());
    if (*n == 0) break;
    data.append(reinterpret_cast<const char*>(chunk), *n);
    if (data.size() > kMaxHttpBodyBytes) return Err(Status::Corruption("HTTP response too large"));
  }
  const size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return Err(Status::Corruption("no HTTP response head"));
  auto status = ParseStatusLine(std::string_view(data).substr(0, data.find("\r\n")));
  if (!status) return Err(status.error());
  std::string head = data.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    return Err(Status::Corruption("chunked HTTP responses are not supported"));
  }
  HttpReply reply{*status, data.substr(head_end + 4)};
  if (auto at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    const size_t length = std::strtoull(head.c_str() + at + 17, nullptr, 10);
    if (reply.body.size() < length) return Err(Status::Corruption("HTTP body cut short"));
    reply.body.resize(length);
  }
  return reply;
}

}  // namespace client
}  // namespace kpk::cli
