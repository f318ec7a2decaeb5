#include "broker/net/connection.h"

#include <algorithm>
#include <exception>

#include <sys/socket.h>

#include "broker/net/response_writer.h"
#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/request_header.h"
#include "common/log.h"

namespace kpk::broker {
inline namespace net {
namespace {

constexpr int32_t kMinFrameBytes = 8;  // api key, api version, correlation id
// Frame bytes still missing from which the reader waits with a raised SO_RCVLOWAT (ReadFully).
constexpr size_t kLargeFrameBytes = 256 * 1024;
constexpr size_t kMaxWatermark = 64 * 1024 * 1024;

Bytes EncodeResponseHeader(int32_t correlation_id, int16_t header_version, size_t body_size) {
  ByteWriter w(16);
  const size_t header_size = header_version >= 1 ? 5 : 4;
  w.WriteInt32(static_cast<int32_t>(header_size + body_size));
  w.WriteInt32(correlation_id);
  if (header_version >= 1) w.WriteUnsignedVarint(0);  // no tagged fields
  return w.Take();
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, RequestHandler& handler,
                       BrokerMetrics& metrics, ConnectionLimits limits)
    : socket_(std::move(socket)),
      handler_(handler),
      metrics_(metrics),
      limits_(limits),
      response_ready_(socket_.get_executor()),
      slot_freed_(socket_.get_executor()) {
  asio::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  peer_ = ec ? "unknown" : endpoint.address().to_string();
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Synchronous reads return would_block instead of blocking the reactor (ReadFully).
  socket_.non_blocking(true, ec);
}

void Connection::Start() {
  ++metrics_.connections_accepted;
  ++metrics_.connections_open;
  KPK_LOG_TO(kKafka, kDebug, "accepted a Kafka connection from {}", peer_);
  auto self = shared_from_this();
  asio::co_spawn(
      socket_.get_executor(), [self]() { return self->ReadLoop(); }, asio::detached);
  asio::co_spawn(
      socket_.get_executor(), [self]() { return self->WriteLoop(); }, asio::detached);
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  --metrics_.connections_open;
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  response_ready_.Notify();
  slot_freed_.Notify();
}

Awaitable<void> Connection::ReadLoop() {
  auto self = shared_from_this();
  while (!closed_) {
    uint8_t size_bytes[4];
    asio::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(size_bytes),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const int32_t size = LoadBigEndian<int32_t>(size_bytes);
    if (size < kMinFrameBytes || size > limits_.max_frame_bytes) {
      KPK_LOG_TO(kKafka, kWarn, "closing connection from {}: request frame of {} bytes", peer_,
                 size);
      break;
    }
    auto frame = std::make_shared<Frame>(static_cast<size_t>(size));
    ec = co_await ReadFully(frame->data.get(), frame->size);
    if (ec || !Accept(frame)) break;
    while (!closed_ && slots_.size() >= limits_.max_in_flight) {
      slot_freed_.Reset();
      co_await slot_freed_.Wait();
    }
  }
  Close();
}

// A megabyte produce request arrives in about 16 loopback segments, and asio's async_read
// woke the reactor for each of them. This reads what is there, and when nothing is, waits with
// SO_RCVLOWAT set to the bytes still missing: the socket then reports readable once the rest
// of the frame is there (the kernel caps the watermark at half its largest receive buffer and
// grows the buffer to fit), or at end of stream. Never more than this frame's bytes, so a
// client that sends nothing more until it has its response is never waited for.
Awaitable<asio::error_code> Connection::ReadFully(uint8_t* data, size_t size) {
  asio::error_code ec;
  size_t got = 0;
  int watermark = 1;
  while (got < size) {
    got += socket_.read_some(asio::buffer(data + got, size - got), ec);
    if (ec == asio::error::would_block) {
      const size_t missing = size - got;
      const int wanted =
          missing >= kLargeFrameBytes ? static_cast<int>(std::min(missing, kMaxWatermark)) : 1;
      if (wanted != watermark) SetReceiveLowWatermark(watermark = wanted);
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) break;
  }
  if (watermark != 1) SetReceiveLowWatermark(1);
  co_return ec;
}

void Connection::SetReceiveLowWatermark(int bytes) {
  // Best effort: without it the same bytes arrive, with more wake-ups.
  (void)::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes);
}

bool Connection::Accept(std::shared_ptr<const Frame> frame) {
  ByteReader peek(frame->span());
  const int16_t key = peek.ReadInt16();
  const int16_t version = peek.ReadInt16();
  if (handler_.Serves(key, version)) {
    auto slot = std::make_shared<Slot>();
    slots_.push_back(slot);
    asio::co_spawn(socket_.get_executor(), Process(std::move(frame), std::move(slot)),
                   asio::detached);
    return true;
  }
  if (key == static_cast<int16_t>(protocol::ApiKey::kApiVersions)) {
    // A newer client's ApiVersions: answer in v0 so it can retry with a version we know.
    ByteReader r(frame->span());
    protocol::RequestHeader header;
    header.Decode(r, protocol::RequestHeaderVersion(key, version));
    auto slot = std::make_shared<Slot>();
    slot->body.bytes = handler_.UnsupportedApiVersionsResponse();
    slot->header = EncodeResponseHeader(header.correlation_id, 0, slot->body.size());
    slot->ready = true;
    slots_.push_back(slot);
    response_ready_.Notify();
    return true;
  }
  // Kafka closes the connection on an API or version it does not serve.
  KPK_LOG_TO(kKafka, kWarn, "closing connection from {}: unsupported API key {} version {}", peer_,
             key, version);
  return false;
}

Awaitable<void> Connection::Process(std::shared_ptr<const Frame> frame,
                                    std::shared_ptr<Slot> slot) {
  auto self = shared_from_this();
  ByteReader r(frame->span());
  protocol::RequestHeader header;
  const int16_t key = LoadBigEndian<int16_t>(frame->data.get());
  const int16_t version = LoadBigEndian<int16_t>(frame->data.get() + 2);
  if (!header.Decode(r, protocol::RequestHeaderVersion(key, version))) {
    KPK_LOG_TO(kKafka, kWarn, "closing connection from {}: malformed request header", peer_);
    Close();
    co_return;
  }
  ++metrics_.requests;
  HandlerOutcome outcome;
  try {
    outcome = co_await handler_.Handle(header, version, r, peer_);
  } catch (const std::exception& e) {
    KPK_LOG_TO(kKafka, kError, "closing connection from {}: handler for API {} v{} failed: {}",
               peer_, key, version, e.what());
    Close();
    co_return;
  }
  if (outcome.kind == HandlerOutcome::Kind::kMalformed) {
    KPK_LOG_TO(kKafka, kWarn,
               "closing connection from {}: malformed API {} v{} request (correlation id {})",
               peer_, key, version, header.correlation_id);
    Close();
    co_return;
  }
  if (outcome.kind == HandlerOutcome::Kind::kNoResponse) {
    slot->skip = true;
  } else {
    slot->body = std::move(outcome.body);
    slot->header = EncodeResponseHeader(
        header.correlation_id, protocol::ResponseHeaderVersion(key, version), slot->body.size());
  }
  Complete(*slot);
}

void Connection::Complete(Slot& slot) {
  slot.ready = true;
  response_ready_.Notify();
}

Awaitable<void> Connection::WriteLoop() {
  auto self = shared_from_this();
  ResponseWriter writer(socket_);
  while (!closed_) {
    if (slots_.empty() || !slots_.front()->ready) {
      response_ready_.Reset();
      co_await response_ready_.Wait();
      continue;
    }
    // Send every response that is ready at the front together.
    size_t taken = 0;
    for (const auto& slot : slots_) {
      if (!slot->ready) break;
      ++taken;
      if (!slot->skip) writer.Add(slot->header, slot->body);
    }
    if (!writer.empty()) {
      asio::error_code ec = co_await writer.Send();
      if (ec) {
        if (ec != asio::error::eof && ec != asio::error::broken_pipe &&
            ec != asio::error::connection_reset && ec != asio::error::operation_aborted) {
          KPK_LOG_TO(kKafka, kWarn, "closing connection from {}: sending a response failed: {}",
                     peer_, ec.message());
        }
        break;
      }
    }
    slots_.erase(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(taken));
    slot_freed_.Notify();
  }
  Close();
}

}  // namespace net
}  // namespace kpk::broker
