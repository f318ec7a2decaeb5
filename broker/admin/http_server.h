// A small HTTP/1.1 server for the Admin API: GET and HEAD on fixed paths, on its own thread.
//
// Why not cpp-httplib, which DESIGN.md names: Debian 12 ships it only as a shared library, and
// that library's load-time constructor initialises OpenSSL (reading openssl.cnf, loading every
// error string) and pulls in three brotli libraries. Linked into kpk it cost about 2 ms at the
// start of every command, though only `broker run` serves HTTP, and it kept `kpk cluster info`
// slower than `kcat -L`. The Admin API needs a few GET routes, served here on the Asio the
// broker already uses.
//
// Requests are bounded (kMaxHeadBytes, kIdleTimeout); bodies are not accepted. Anything else
// gets a status code and a closed connection, and other clients keep being served.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "broker/core/broker_config.h"
#include "broker/net/asio.h"
#include "common/status.h"

namespace kpk::broker::admin {

struct HttpRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // after '?', undecoded
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  static constexpr size_t kMaxHeadBytes = 16 * 1024;
  static constexpr std::chrono::seconds kIdleTimeout{30};
  static constexpr std::chrono::seconds kLingerTimeout{1};
  static constexpr size_t kMaxLingerBytes = 1 << 20;

  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes are set up before Start(); handlers run on the server's thread.
  void Get(const std::string& path, Handler handler);
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
  HttpResponse Respond(const HttpRequest& request) const;

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::map<std::string, Handler, std::less<>> routes_;
  std::list<std::weak_ptr<asio::ip::tcp::socket>> connections_;  // touched on thread_ only
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace kpk::broker::admin
