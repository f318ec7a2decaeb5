#include "cli/client/wire_request.h"

#include "cli/client/broker_connection.h"

namespace kpk::cli {
inline namespace client {

Result<Bytes> WireRoundTrip(const ConnectionConfig& cfg, const std::string& host, int port,
                            int16_t api_key, int16_t version, const Bytes& body,
                            std::chrono::milliseconds timeout) {
  auto connection =
      BrokerConnection::Open({host, port, ""}, cfg, BrokerConnection::Clock::now() + timeout);
  if (!connection) return Err(connection.error().status);
  return connection->RoundTrip(api_key, version, body);
}

}  // namespace client
}  // namespace kpk::cli
