// The broker's event loop does not wait for the disk: a produce on one connection is answered
// while a CreateTopics on another is held in the fsync of the new topic's metadata.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "broker/broker.h"
#include "broker/protocol/generated/api_keys.h"
#include "broker/protocol/generated/create_topics_request.h"
#include "broker/protocol/generated/create_topics_response.h"
#include "broker/protocol/generated/error_code.h"
#include "broker/protocol/generated/metadata_request.h"
#include "broker/protocol/generated/metadata_response.h"
#include "broker/protocol/generated/produce_request.h"
#include "broker/protocol/generated/produce_response.h"
#include "broker/protocol/generated/request_header.h"
#include "broker/protocol/generated/response_header.h"
#include "broker/protocol/record_batch.h"
#include "broker/storage/log_format.h"
#include "tests/unit/storage/fault_injection_fs.h"

namespace kpk::broker {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using storage::testing::FaultInjectionFileSystem;
using storage::testing::TempDir;

// A plain blocking Kafka connection whose reads all have deadlines.
class Connection {
 public:
  explicit Connection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  template <typename Request>
  void Send(const Request& request, int16_t version) {
    protocol::RequestHeader header;
    header.request_api_key = Request::kApiKey;
    header.request_api_version = version;
    header.correlation_id = ++correlation_id_;
    header.client_id = "event-loop-test";
    ByteWriter frame;
    frame.WriteInt32(0);  // size, patched below
    header.Encode(frame, protocol::RequestHeaderVersion(Request::kApiKey, version));
    request.Encode(frame, version);
    frame.PatchInt32(0, static_cast<int32_t>(frame.size() - 4));
    const Bytes& bytes = frame.buffer();
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }

  // The answer to the last request sent, or nullopt if it did not come within `timeout`.
  template <typename Response>
  std::optional<Response> Receive(int16_t version, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    uint8_t size_bytes[4];
    if (!ReadExactly(size_bytes, 4, deadline)) return std::nullopt;
    Bytes frame(static_cast<size_t>(LoadBigEndian<int32_t>(size_bytes)));
    if (!ReadExactly(frame.data(), frame.size(), deadline)) return std::nullopt;
    ByteReader r(frame);
    protocol::ResponseHeader header;
    REQUIRE(header.Decode(r, protocol::ResponseHeaderVersion(Response::kApiKey, version)));
    REQUIRE(header.correlation_id == correlation_id_);
    Response response;
    REQUIRE(response.Decode(r, version));
    return response;
  }

  // Whether any answer has arrived, without reading it.
  bool Answered() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  bool ReadExactly(uint8_t* out, size_t n, Clock::time_point deadline) {
    while (n > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      ssize_t got = ::recv(fd_, out, n, 0);
      if (got <= 0) return false;
      out += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  int fd_;
  int32_t correlation_id_ = 0;
};

// The broker on its own thread. Held syncs are released before it stops, also when a check
// failed, so that it can finish the work it has and stop.
class RunningBroker {
 public:
  RunningBroker(const std::string& dir, FaultInjectionFileSystem& fs) : fs_(fs) {
    BrokerConfig config;
    config.data_directory = dir;
    config.kafka_api = {"127.0.0.1", 0};
    config.admin = {"127.0.0.1", 0};
    config.file_system = &fs;
    broker_ = std::make_unique<Broker>(std::move(config));
    REQUIRE(broker_->Start().ok());
    thread_ = std::thread([this] { broker_->Run(); });
  }
  ~RunningBroker() {
    fs_.ReleaseSyncs();
    broker_->Stop();
    thread_.join();
  }
  uint16_t port() const { return broker_->kafka_port(); }

 private:
  FaultInjectionFileSystem& fs_;
  std::unique_ptr<Broker> broker_;
  std::thread thread_;
};

constexpr int16_t kCreateVersion = 5;
constexpr int16_t kProduceVersion = 8;
constexpr int16_t kMetadataVersion = 9;

protocol::CreateTopicsRequest CreateTopic(const std::string& name) {
  protocol::CreateTopicsRequest request;
  auto& topic = request.topics.emplace_back();
  topic.name = name;
  topic.num_partitions = 1;
  topic.replication_factor = 1;
  request.timeout_ms = 30000;
  return request;
}

protocol::ProduceRequest ProduceOne(const std::string& topic) {
  protocol::RecordBatchBuilder builder;
  builder.Add(0, std::nullopt, AsBytes("value"));
  protocol::ProduceRequest request;
  request.acks = 1;
  request.timeout_ms = 30000;
  auto& data = request.topic_data.emplace_back();
  data.name = topic;
  data.partition_data.emplace_back().records =
      protocol::Records(std::make_shared<const Bytes>(builder.Build()));
  return request;
}

int16_t CreateError(const std::optional<protocol::CreateTopicsResponse>& response) {
  REQUIRE(response);
  REQUIRE(response->topics.size() == 1);
  return response->topics[0].error_code;
}

// Waits up to `timeout` for `done`.
template <typename Done>
bool Eventually(Done done, std::chrono::milliseconds timeout) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

TEST_CASE("a produce is answered while a CreateTopics waits for its metadata's fsync") {
  TempDir dir;
  FaultInjectionFileSystem fs;
  RunningBroker broker(dir.path(), fs);
  Connection a(broker.port());
  Connection b(broker.port());

  b.Send(CreateTopic("existing"), kCreateVersion);
  REQUIRE(CreateError(b.Receive<protocol::CreateTopicsResponse>(kCreateVersion, 10s)) == 0);

  fs.HoldSyncsOf(std::string(storage::format::kTopicMetadataFileName) +
                 std::string(kAtomicWriteSuffix));
  a.Send(CreateTopic("held"), kCreateVersion);
  REQUIRE(Eventually([&] { return fs.held_syncs_waiting() == 1; }, 5s));

  b.Send(ProduceOne("existing"), kProduceVersion);
  auto produced = b.Receive<protocol::ProduceResponse>(kProduceVersion, 2s);
  REQUIRE(produced);
  CHECK(produced->responses.at(0).partition_responses.at(0).error_code == 0);

  // Still being created: reserved, but not visible.
  b.Send(CreateTopic("held"), kCreateVersion);
  CHECK(CreateError(b.Receive<protocol::CreateTopicsResponse>(kCreateVersion, 2s)) ==
        protocol::ToInt(protocol::ErrorCode::kTopicAlreadyExists));
  protocol::MetadataRequest metadata;
  metadata.topics.emplace().emplace_back().name = "held";
  b.Send(metadata, kMetadataVersion);
  auto described = b.Receive<protocol::MetadataResponse>(kMetadataVersion, 2s);
  REQUIRE(described);
  CHECK(described->topics.at(0).error_code ==
        protocol::ToInt(protocol::ErrorCode::kUnknownTopicOrPartition));

  CHECK_FALSE(a.Answered());
  CHECK(fs.held_syncs_waiting() == 1);
  fs.ReleaseSyncs();
  CHECK(CreateError(a.Receive<protocol::CreateTopicsResponse>(kCreateVersion, 10s)) == 0);
}

}  // namespace
}  // namespace kpk::broker
