#include "cli/client/wire_request.h"

#include <fmt/core.h>

#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/request_header.h"
#include "broker/protocol/generated/response_header.h"
#include "cli/client/tcp_client.h"

namespace kpk::cli {
inline namespace client {
namespace {

// Frames above this are not a DescribeLogDirs answer kpk can use.
constexpr int32_t kMaxResponseBytes = 256 << 20;

}  // namespace

Result<Bytes> WireRoundTrip(const std::string& host, int port, int16_t api_key, int16_t version,
                            const Bytes& body, std::chrono::milliseconds timeout) {
  auto connection = TcpClient::Connect(host, port, TcpClient::Clock::now() + timeout);
  if (!connection) return Err(connection.error());

  constexpr int32_t kCorrelationId = 1;
  protocol::RequestHeader header;
  header.request_api_key = api_key;
  header.request_api_version = version;
  header.correlation_id = kCorrelationId;
  header.client_id = "kpk";
  ByteWriter frame;
  frame.WriteInt32(0);  // size, patched below
  header.Encode(frame, protocol::RequestHeaderVersion(api_key, version));
  frame.WriteBytes(ByteSpan(body));
  frame.PatchInt32(0, static_cast<int32_t>(frame.size() - 4));
  if (Status s = connection->WriteAll(frame.buffer()); !s.ok()) return Err(s);

  uint8_t size_bytes[4];
  if (Status s = connection->ReadExactly(size_bytes, 4); !s.ok()) return Err(s);
  const int32_t size = LoadBigEndian<int32_t>(size_bytes);
  if (size < 4 || size > kMaxResponseBytes) {
    return Err(Status::Corruption(fmt::format("response frame of {} bytes", size)));
  }
  Bytes response(static_cast<size_t>(size));
  if (Status s = connection->ReadExactly(response.data(), response.size()); !s.ok()) {
    return Err(s);
  }
  ByteReader r(response);
  protocol::ResponseHeader response_header;
  if (!response_header.Decode(r, protocol::ResponseHeaderVersion(api_key, version)) ||
      response_header.correlation_id != kCorrelationId) {
    return Err(Status::Corruption("malformed response header"));
  }
  return Bytes(response.begin() + static_cast<std::ptrdiff_t>(r.position()), response.end());
}

}  // namespace client
}  // namespace kpk::cli
