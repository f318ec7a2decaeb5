#include "broker/server/listen.h"

#include <fmt/core.h>

namespace kpk::broker {

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

}  // namespace kpk::broker
