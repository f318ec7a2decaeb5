// The one place that includes standalone Asio, with the settings every broker file needs.
#pragma once

#if defined(__clang__)
// clang-14 with libstdc++ does not advertise coroutines to Asio's feature detection.
#define ASIO_HAS_CO_AWAIT 1
#define ASIO_HAS_STD_COROUTINE 1
#endif
#define ASIO_NO_DEPRECATED 1

#include <asio.hpp>

namespace kpk::broker {
inline namespace net {

template <typename T = void>
using Awaitable = asio::awaitable<T>;

}  // namespace net
}  // namespace kpk::broker
