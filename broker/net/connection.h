// One client connection: reads size-prefixed request frames, runs their handlers, and writes
// the responses in request order.
//
// Requests are pipelined: each is handed to its handler as soon as it is read, so a produce
// waiting for its fsync does not hold up the requests behind it, but responses leave in the
// order the requests came, as every Kafka client requires. Handlers start in arrival order on
// the single event-loop thread, so appends from one connection keep their order too.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "broker/metrics/broker_metrics.h"
#include "broker/net/asio.h"
#include "broker/net/async_event.h"
#include "broker/net/request_handler.h"
#include "broker/net/response.h"
#include "common/bytes.h"

namespace kpk::broker {
inline namespace net {

struct ConnectionLimits {
  int32_t max_frame_bytes = 100 * 1024 * 1024;  // Kafka's socket.request.max.bytes
  size_t max_in_flight = 256;                   // requests read but not yet answered
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, RequestHandler& handler, BrokerMetrics& metrics,
             ConnectionLimits limits);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start();
  // Closes the socket; pending reads, writes and waits end.
  void Close();

 private:
  struct Slot {
    bool ready = false;
    bool skip = false;  // no response (acks=0)
    Bytes header;
    ResponseBody body;
  };

  // A request's bytes. Not zeroed before the socket fills them: zeroing cost a tenth of the
  // broker's CPU under a produce load, and a client announcing a huge frame does not get
  // those pages touched before it sends them.
  struct Frame {
    explicit Frame(size_t n) : data(std::make_unique_for_overwrite<uint8_t[]>(n)), size(n) {}
    ByteSpan span() const { return {data.get(), size}; }
    std::unique_ptr<uint8_t[]> data;
    size_t size;
  };

  Awaitable<void> ReadLoop();
  Awaitable<void> WriteLoop();
  Awaitable<void> Process(std::shared_ptr<const Frame> frame, std::shared_ptr<Slot> slot);
  // Decides what to do with a frame; returns false when the connection must close.
  bool Accept(std::shared_ptr<const Frame> frame);
  void Complete(Slot& slot);
  // Reads exactly `size` bytes; an error or the end of the stream stops it.
  Awaitable<asio::error_code> ReadFully(uint8_t* data, size_t size);
  void SetReceiveLowWatermark(int bytes);

  asio::ip::tcp::socket socket_;
  RequestHandler& handler_;
  BrokerMetrics& metrics_;
  ConnectionLimits limits_;
  std::string peer_;
  std::deque<std::shared_ptr<Slot>> slots_;
  AsyncEvent response_ready_;
  AsyncEvent slot_freed_;
  bool closed_ = false;
};

}  // namespace net
}  // namespace kpk::broker
