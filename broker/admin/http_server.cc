#include "broker/admin/http_server.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <string_view>

#include "broker/net/listen.h"
#include "common/log.h"

namespace kpk::broker::admin {
namespace {

using asio::ip::tcp;

struct RequestHead {
  HttpRequest request;
  bool keep_alive = true;
  size_t content_length = 0;
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
      auto [end, ec] =
          std::from_chars(value.data(), value.data() + value.size(), out.content_length);
      if (ec != std::errc{} || end != value.data() + value.size()) return 400;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      return 411;  // chunked bodies are not read: a client must give Content-Length
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
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
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

HttpResponse Error(int status, std::string_view message) {
  return HttpResponse::Error(status, message);
}

std::string ResponseText(const HttpResponse& response, bool keep_alive, bool with_body) {
  std::string text =
      fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
                  response.status, ReasonPhrase(response.status), response.content_type,
                  response.body.size(), keep_alive ? "keep-alive" : "close");
  for (const auto& [name, value] : response.headers) text += fmt::format("{}: {}\r\n", name, value);
  text += "\r\n";
  if (with_body) text += response.body;
  return text;
}

// "%2F" -> "/", "+" kept as is (it is literal in paths; Redpanda's clients encode spaces).
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr ==
            text.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    size_t end = path.find('/');
    out.push_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `path` fits the route's pattern; fills `params` when it does.
bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
             std::map<std::string, std::string, std::less<>>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
      found[pattern[i].substr(1, pattern[i].size() - 2)] = PercentDecode(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

// Reads one request into `head` (body included) and removes it from `buffer`. False when the
// connection ended or timed out before a whole request; otherwise `response` is 200 to go on,
// or the error that answers a request that cannot be served (then keep_alive is false).
Awaitable<bool> ReadRequest(tcp::socket& socket, std::string& buffer, RequestHead& head,
                            HttpResponse& response) {
  asio::error_code ec;
  size_t head_size = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(buffer, HttpServer::kMaxHeadBytes), "\r\n\r\n",
      asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::not_found) {  // the head outgrew HttpServer::kMaxHeadBytes
    head.keep_alive = false;
    response = Error(431, "request head too large");
    co_return true;
  }
  if (ec) co_return false;
  if (int status = ParseHead({buffer.data(), head_size - 4}, head); status != 0) {
    head.keep_alive = false;
    response = Error(status, status == 411 ? "a body needs Content-Length" : "malformed request");
    co_return true;
  }
  if (head.content_length > HttpServer::kMaxBodyBytes) {
    head.keep_alive = false;
    response = Error(413, fmt::format("body over {} bytes", HttpServer::kMaxBodyBytes));
    co_return true;
  }
  size_t total = head_size + head.content_length;
  if (buffer.size() < total) {
    co_await asio::async_read(socket, asio::dynamic_buffer(buffer),
                              asio::transfer_exactly(total - buffer.size()),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  head.request.body = buffer.substr(head_size, head.content_length);
  buffer.erase(0, total);
  co_return true;
}

}  // namespace

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t end = rest.find('&');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    size_t equals = pair.find('=');
    if (PercentDecode(pair.substr(0, equals)) != name) continue;
    return equals == std::string_view::npos ? std::string{}
                                            : PercentDecode(pair.substr(equals + 1));
  }
  return std::nullopt;
}

const std::string& HttpRequest::Param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

HttpResponse HttpResponse::Json(std::string body, int status) {
  return {status, "application/json", std::move(body), {}};
}

HttpResponse HttpResponse::Error(int status, std::string_view message) {
  nlohmann::json j = {{"message", message}, {"code", status}};
  return Json(j.dump(), status);
}

HttpServer::HttpServer() : acceptor_(io_) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string_view method, std::string_view pattern, Handler handler) {
  std::vector<std::string> segments;
  for (std::string_view segment : Segments(pattern)) segments.emplace_back(segment);
  routes_.push_back({std::string(method), std::move(segments), std::move(handler)});
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
  // A silent or slow client must not hold its connection forever: the timer cancels the
  // pending read; a half-received request then gets a 408.
  asio::steady_timer idle(io_);
  auto timed_out = std::make_shared<bool>(false);
  std::string buffer;
  for (;;) {
    idle.expires_after(kIdleTimeout);
    idle.async_wait([socket, timed_out](asio::error_code ec) {
      if (ec) return;
      *timed_out = true;
      socket->cancel(ec);
    });
    RequestHead head;
    HttpResponse response;
    if (!co_await ReadRequest(*socket, buffer, head, response)) {
      if (!*timed_out || buffer.empty()) {  // closed by the client or Stop(), or idle
        asio::error_code ignored;
        socket->close(ignored);
        co_return;
      }
      head.keep_alive = false;
      response = Error(408, "request not received in time");
    } else if (response.status == 200) {
      response = Respond(head.request);
    }
    idle.cancel();
    std::string text = ResponseText(response, head.keep_alive, head.request.method != "HEAD");
    asio::error_code ec;
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

HttpResponse HttpServer::Respond(HttpRequest& request) const {
  std::vector<std::string_view> path = Segments(request.path);
  std::string allowed;
  for (const RouteEntry& route : routes_) {
    if (!Matches(route.segments, path, request.params)) continue;
    bool head_of_get = request.method == "HEAD" && route.method == "GET";
    if (route.method != request.method && !head_of_get) {
      allowed +=
          (allowed.empty() ? "" : ", ") + route.method + (route.method == "GET" ? ", HEAD" : "");
      continue;
    }
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      KPK_LOG_WARN("admin API: {} {} failed: {}", request.method, request.path, e.what());
      return Error(500, "internal error");
    }
  }
  if (allowed.empty()) return Error(404, fmt::format("no route for {}", request.path));
  HttpResponse response =
      Error(405, fmt::format("{} is not served on {}", request.method, request.path));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

}  // namespace kpk::broker::admin
