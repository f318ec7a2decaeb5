// The Admin API client (Redpanda's HTTP API on port 9644, and kpk's broker's), over libcurl:
// the hosts from `-X admin.hosts` / KPK_ADMIN_HOSTS / the profile, Basic auth from user/pass,
// TLS from admin.tls.*. Every request is bounded by the dial timeout (connect) and the request
// timeout; a failure names the host and the cause.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/config/config.h"
#include "cli/format/output.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

struct AdminResponse {
  std::string host;  // host:port that answered
  int status = 0;    // HTTP status
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The message of a Redpanda error body ({"message": ..., "code": ...}), else the raw body.
  std::string ErrorMessage() const;
};

class AdminClient {
 public:
  explicit AdminClient(const ConnectionConfig& config);

  const std::vector<std::string>& hosts() const { return hosts_; }

  // Tries the hosts in order until one answers with any HTTP status (rpk's sendAny). Fails
  // with kUnavailable, naming every host and its cause, when none answers.
  Result<AdminResponse> Send(std::string_view method, std::string_view path,
                             std::string_view body = {}) const;
  // One host only (rpk's sendOne), e.g. to ask each broker for its own view.
  Result<AdminResponse> SendTo(const std::string& host, std::string_view method,
                               std::string_view path, std::string_view body = {}) const;

  // Send, then a 2xx answer's body as JSON; any other status is an error carrying the
  // status and the server's message ("HTTP 404 from host: message").
  Result<Json> GetJson(std::string_view path) const;
  Result<Json> PutJson(std::string_view path, const Json& body) const;

 private:
  std::vector<std::string> hosts_;
  TlsConfig tls_;
  SaslConfig auth_;
  std::chrono::milliseconds dial_timeout_;
  std::chrono::milliseconds request_timeout_;
};

// The JSON of a 2xx response, or the error described above.
Result<Json> JsonOf(const AdminResponse& response);

}  // namespace client
}  // namespace kpk::cli
