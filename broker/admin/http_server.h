// A small HTTP/1.1 server for the Admin API, on its own thread: routes by method and path
// pattern (`/v1/brokers/{id}`), bodies up to kMaxBodyBytes by Content-Length.
//
// Why not cpp-httplib, which DESIGN.md names: Debian 12 ships it only as a shared library, and
// that library's load-time constructor initialises OpenSSL (reading openssl.cnf, loading every
// error string) and pulls in three brotli libraries. Linked into kpk it cost about 2 ms at the
// start of every command, though only `broker run` serves HTTP, and it kept `kpk cluster info`
// slower than `kcat -L`. The Admin API needs a few GET routes, served here on the Asio the
// broker already uses.
//
// Requests are bounded (kMaxHeadBytes, kMaxBodyBytes, kIdleTimeout). Anything else gets a
// status code with a JSON error in Redpanda's shape ({"message", "code"}) and a closed
// connection, and other clients keep being served.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "broker/core/broker_config.h"
#include "broker/net/asio.h"
#include "common/status.h"

namespace kpk::broker::admin {

struct HttpRequest {
  std::string method;
  std::string path;   // without the query, undecoded
  std::string query;  // after '?', undecoded
  std::string body;
  // The `{name}` segments of the route's pattern, percent-decoded.
  std::map<std::string, std::string, std::less<>> params;

  // A query parameter, percent-decoded; nullopt when absent ("?a" gives "").
  std::optional<std::string> Query(std::string_view name) const;
  const std::string& Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the standard ones

  static HttpResponse Json(std::string body, int status = 200);
  // Redpanda's error body: {"message": ..., "code": status}.
  static HttpResponse Error(int status, std::string_view message);
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  static constexpr size_t kMaxHeadBytes = 16 * 1024;
  static constexpr size_t kMaxBodyBytes = 1024 * 1024;
  static constexpr std::chrono::seconds kIdleTimeout{30};
  static constexpr std::chrono::seconds kLingerTimeout{1};
  static constexpr size_t kMaxLingerBytes = 1 << 20;

  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes are set up before Start(); handlers run on the server's thread. A pattern's
  // segments are literal or `{name}`, which matches any one segment. GET routes serve HEAD.
  void Route(std::string_view method, std::string_view pattern, Handler handler);
  void Get(std::string_view pattern, Handler handler) { Route("GET", pattern, std::move(handler)); }
  void Put(std::string_view pattern, Handler handler) { Route("PUT", pattern, std::move(handler)); }
  void Post(std::string_view pattern, Handler handler) {
    Route("POST", pattern, std::move(handler));
  }
  void Delete(std::string_view pattern, Handler handler) {
    Route("DELETE", pattern, std::move(handler));
  }
  // Binds and listens; port 0 picks a free port, readable from port() afterwards.
  Status Listen(const HostPort& address);
  uint16_t port() const { return port_; }
  void Start();
  // Stops serving: the listener and every open connection are closed.
  void Stop();

 private:
  Awaitable<void> AcceptLoop();
  Awaitable<void> Serve(std::shared_ptr<asio::ip::tcp::socket> socket);
  Awaitable<void> LingeringClose(std::shared_ptr<asio::ip::tcp::socket> socket,
                                 asio::steady_timer& idle);
  HttpResponse Respond(HttpRequest& request) const;

  struct RouteEntry {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<RouteEntry> routes_;
  std::list<std::weak_ptr<asio::ip::tcp::socket>> connections_;  // touched on thread_ only
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace kpk::broker::admin
