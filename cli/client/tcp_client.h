// A blocking TCP connection where every step is bounded by one deadline, for the CLI's few
// exchanges that do not go through librdkafka (wire_request, http_get).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

class TcpClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Resolves `host` and connects to the first address that answers before `deadline`.
  static Result<TcpClient> Connect(const std::string& host, int port, Clock::time_point deadline);

  TcpClient(TcpClient&& other) noexcept;
  TcpClient& operator=(TcpClient&&) = delete;
  TcpClient(const TcpClient&) = delete;
  ~TcpClient();

  Status WriteAll(ByteSpan data);
  Status ReadExactly(uint8_t* out, size_t size);
  // Reads what is there (at least one byte); 0 when the peer closed the connection.
  Result<size_t> ReadSome(uint8_t* out, size_t size);

  // The non-blocking socket, for BrokerConnection's TLS layer and the relay's poll loop.
  int fd() const { return fd_; }

 private:
  TcpClient(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  int fd_;
  Clock::time_point deadline_;
};

}  // namespace client
}  // namespace kpk::cli
