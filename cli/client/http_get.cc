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

}  // namespace client
}  // namespace kpk::cli
