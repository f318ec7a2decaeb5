#include "broker/net/listen.h"

#include <fmt/core.h>

#include "common/log.h"

namespace kpk::broker {
inline namespace net {

Status ListenOn(asio::ip::tcp::acceptor& acceptor, const HostPort& address) {
  asio::error_code ec;
  auto ip = asio::ip::make_address(address.host, ec);
  if (ec) {
    asio::ip::tcp::resolver resolver(acceptor.get_executor());
    auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument(fmt::format("cannot resolve {}", address.host));
    }
    ip = results.begin()->endpoint().address();
  }
  asio::ip::tcp::endpoint endpoint(ip, address.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    asio::error_code ignored;
    acceptor.close(ignored);
    return Status::Unavailable(
        fmt::format("cannot listen on {}: {}", address.ToString(), ec.message()));
  }
  return Status::OK();
}

Awaitable<std::optional<asio::ip::tcp::socket>> AcceptNext(asio::ip::tcp::acceptor& acceptor,
                                                           std::string_view listener) {
  for (;;) {
    asio::error_code ec;
    asio::ip::tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return std::nullopt;
    if (!ec) co_return std::move(socket);
    KPK_LOG_TO(kKafka, kWarn, "{}: accept failed: {}", listener, ec.message());
    asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace net
}  // namespace kpk::broker
