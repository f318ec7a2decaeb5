#include "broker/admin/http_server.h"

#include <fmt/core.h>

#include <array>
#include <string_view>

#include "broker/net/listen.h"
#include "common/log.h"

namespace kpk::broker::admin {
namespace {

using asio::ip::tcp;

struct RequestHead {
  HttpRequest request;
  bool keep_alive = true;
  bool has_body = false;
};

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view text, std::string_view word) {
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (EqualsIgnoreCase(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

// "GET /path?query HTTP/1.1". Returns 0, or the status code that answers a bad line.
int ParseRequestLine(std::string_view line, RequestHead& out) {
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) return 400;
  std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, last - first - 1);
  std::string_view version = line.substr(last + 1);
  if (method.empty() || target.empty() || target.front() != '/') return 400;
  if (!version.starts_with("HTTP/")) return 400;
  if (!version.starts_with("HTTP/1.")) return 505;
  out.keep_alive = version != "HTTP/1.0";
  size_t question = target.find('?');
  out.request.method = method;
  out.request.path = target.substr(0, question);
  if (question != std::string_view::npos) out.request.query = target.substr(question + 1);
  return 0;
}

// Header lines: only those that decide whether the connection can carry another request.
int ParseHeaders(std::string_view lines, RequestHead& out) {
  while (!lines.empty()) {
    size_t end = lines.find("\r\n");
    std::string_view line = lines.substr(0, end);
    lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return 400;
    std::string_view name = line.substr(0, colon);
    std::string_view value = TrimSpace(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "connection")) {
      if (ContainsIgnoreCase(value, "close")) out.keep_alive = false;
      if (ContainsIgnoreCase(value, "keep-alive")) out.keep_alive = true;
    } else if (EqualsIgnoreCase(name, "content-length")) {
      out.has_body = value != "0";
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      out.has_body = true;
    }
  }
  return 0;
}

// `head` is the request up to, not including, the blank line that ends it.
int ParseHead(std::string_view head, RequestHead& out) {
  size_t end = head.find("\r\n");
  if (int status = ParseRequestLine(head.substr(0, end), out); status != 0) return status;
  return end == std::string_view::npos ? 0 : ParseHeaders(head.substr(end + 2), out);
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

HttpResponse Error(int status, std::string message) {
  return {status, "application/json",
          fmt::format(R"({{"message":"{}","code":{}}})", message, status)};
}

std::string ResponseText(const HttpResponse& response, bool keep_alive, bool with_body) {
  std::string text =
      fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
                  response.status, ReasonPhrase(response.status), response.content_type,
                  response.body.size(), keep_alive ? "keep-alive" : "close");
  if (response.status == 405) text += "Allow: GET, HEAD\r\n";
  text += "\r\n";
  if (with_body) text += response.body;
  return text;
}

}  // namespace

HttpServer::HttpServer() : acceptor_(io_) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Get(const std::string& path, Handler handler) {
  routes_[path] = std::move(handler);
}

Status HttpServer::Listen(const HostPort& address) {
  if (Status st = ListenOn(acceptor_, address); !st.ok()) return st;
  port_ = acceptor_.local_endpoint().port();
  return Status::OK();
}

void HttpServer::Start() {
  asio::co_spawn(io_, AcceptLoop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

void HttpServer::Stop() {
  if (!thread_.joinable()) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return;
  }
  // Closing on the server's own thread: the sockets are not thread-safe.
  asio::post(io_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : connections_) {
      if (auto socket = weak.lock()) socket->close(ignored);
    }
    io_.stop();
  });
  thread_.join();
}

Awaitable<void> HttpServer::AcceptLoop() {
  while (std::optional<tcp::socket> socket = co_await AcceptNext(acceptor_, "admin API")) {
    auto shared = std::make_shared<tcp::socket>(std::move(*socket));
    connections_.remove_if([](const std::weak_ptr<tcp::socket>& w) { return w.expired(); });
    connections_.push_back(shared);
    asio::co_spawn(io_, Serve(std::move(shared)), asio::detached);
  }
}

Awaitable<void> HttpServer::Serve(std::shared_ptr<tcp::socket> socket) {
  // A silent client must not hold its connection forever: the timer closes the socket, which
  // ends the pending read.
  asio::steady_timer idle(io_);
  std::string buffer;
  for (;;) {
    idle.expires_after(kIdleTimeout);
    idle.async_wait([socket](asio::error_code ec) {
      if (!ec) socket->close(ec);
    });
    asio::error_code ec;
    size_t head_size =
        co_await asio::async_read_until(*socket, asio::dynamic_buffer(buffer, kMaxHeadBytes),
                                        "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
    RequestHead head;
    HttpResponse response;
    if (ec == asio::error::not_found) {  // the head outgrew kMaxHeadBytes
      head.keep_alive = false;
      response = Error(431, "request head too large");
    } else if (ec) {
      co_return;  // closed by the client, the idle timer or Stop()
    } else if (int status = ParseHead({buffer.data(), head_size - 4}, head); status != 0) {
      head.keep_alive = false;
      response = Error(status, "malformed request");
    } else {
      // A body we do not read would be taken for the next request: answer, then close.
      if (head.has_body) head.keep_alive = false;
      response = Respond(head.request);
      buffer.erase(0, head_size);
    }
    std::string text = ResponseText(response, head.keep_alive, head.request.method != "HEAD");
    co_await asio::async_write(*socket, asio::buffer(text),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !head.keep_alive) {
      co_await LingeringClose(socket, idle);
      co_return;
    }
  }
}

// Closing with unread request bytes in the socket makes the kernel send a reset, which can
// destroy the response before the client reads it. So stop sending, then read and discard
// for a bounded time, and only then close.
Awaitable<void> HttpServer::LingeringClose(std::shared_ptr<tcp::socket> socket,
                                           asio::steady_timer& idle) {
  asio::error_code ec;
  socket->shutdown(tcp::socket::shutdown_send, ec);
  idle.expires_after(kLingerTimeout);
  idle.async_wait([socket](asio::error_code wait_ec) {
    if (!wait_ec) socket->close(wait_ec);
  });
  std::array<char, 4096> discard;
  for (size_t total = 0; !ec && total < kMaxLingerBytes;) {
    total += co_await socket->async_read_some(asio::buffer(discard),
                                              asio::redirect_error(asio::use_awaitable, ec));
  }
  idle.cancel();
  socket->close(ec);
}

HttpResponse HttpServer::Respond(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return Error(405, "only GET and HEAD are served");
  }
  auto route = routes_.find(request.path);
  if (route == routes_.end()) return Error(404, "not found");
  try {
    return route->second(request);
  } catch (const std::exception& e) {
    KPK_LOG_WARN("admin API: {} failed: {}", request.path, e.what());
    return Error(500, "internal error");
  }
}

}  // namespace kpk::broker::admin
