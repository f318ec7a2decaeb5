// kpk's Kafka producer: typed settings, records in, delivery reports out. Records are copied
// when produced, so the caller may reuse its buffers at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "cli/client/kafka_client.h"
#include "cli/format/record.h"

namespace kpk::cli {
inline namespace client {

// The values are the codes record formats print (%a{compression}).
enum class Compression { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
// none, gzip, snappy, lz4, zstd; nullopt for anything else.
std::optional<Compression> ParseCompression(std::string_view name);
std::string_view CompressionName(Compression compression);

// The values are Kafka's.
enum class Acks { kNone = 0, kLeader = 1, kAll = -1 };
// -1, 0 or 1; nullopt for anything else.
std::optional<Acks> AcksFromInt(int acks);

struct ProducerSettings {
  Compression compression = Compression::kSnappy;
  Acks acks = Acks::kAll;
  // How long a record may take to be delivered; nullopt: the connection's command timeout.
  std::optional<std::chrono::milliseconds> delivery_timeout;
  std::optional<int> max_batch_bytes;  // before compression; librdkafka's default if unset
  // Off: a record for a missing topic fails at once instead of after librdkafka's metadata
  // propagation timeout.
  bool allow_auto_topic_creation = false;
  // Sized for bulk input: big batches and a deep queue keep the broker busy, and interactive
  // use sees no extra latency since a batch still leaves after `linger`.
  std::chrono::milliseconds linger{10};
  int max_batch_records = 100000;
  int max_queued_records = 1000000;
  int max_queued_kbytes = 1048576;
};

// The delivery timeout `settings` give on connection `cfg`.
std::chrono::milliseconds DeliveryTimeout(const ProducerSettings& settings,
                                          const ConnectionConfig& cfg);
// The librdkafka properties of `settings`, applied after the connection's. The one place the
// settings become properties.
KafkaProperties ProducerProperties(const ProducerSettings& settings, const ConnectionConfig& cfg);

// Let the partitioner choose (librdkafka's RD_KAFKA_PARTITION_UA).
inline constexpr int32_t kAnyPartition = -1;

struct OutgoingRecord {
  std::string_view topic;
  int32_t partition = kAnyPartition;
  std::optional<std::string_view> key;    // nullopt: a null key
  std::optional<std::string_view> value;  // nullopt: a null value (a tombstone)
  std::span<const HeaderView> headers;
  int64_t timestamp_ms = 0;  // 0: when it is produced
};

// What became of one record. Valid during the delivery handler's call only.
class Delivery {
 public:
  bool ok() const;
  // "NAME: description" of the Kafka error, e.g. "MSG_SIZE_TOO_LARGE: Broker: ...".
  Status error() const;
  // The record as delivered (partition, offset, timestamp). Costs a header parse, so only on
  // request.
  void ToView(RecordView* view) const;

 private:
  friend class Producer;
  Delivery(const rd_kafka_message_t* msg, Compression compression)
      : msg_(msg), compression_(compression) {}
  const rd_kafka_message_t* msg_;
  Compression compression_;
};

// Called on the thread that polls or flushes the producer, once per produced record.
using DeliveryHandler = std::function<void(const Delivery&)>;

class Producer {
 public:
  static Result<Producer> Open(const ConnectionConfig& cfg, const ProducerSettings& settings,
                               DeliveryHandler on_delivery);

  Producer(Producer&&) noexcept;
  Producer& operator=(Producer&&) noexcept;
  ~Producer();

  // While the queue is full Produce waits for room; it gives up once `check` returns true.
  void SetInterruptCheck(std::function<bool()> check);

  // Checks that the topic exists (unless the settings allow auto creation), so a missing one
  // is reported before any record is read. Produce does the same for each new topic.
  Status PrepareTopic(std::string_view topic);
  // Queues one record. An error means the record was not queued and gets no delivery report.
  Status Produce(const OutgoingRecord& record);
  // Serves delivery reports, waiting up to `timeout` for one.
  void Poll(std::chrono::milliseconds timeout);
  // Waits until every queued record has its delivery report; fails if some are still queued
  // after `timeout`.
  Status Flush(std::chrono::milliseconds timeout);
  // Records queued and not yet reported.
  int64_t Pending() const;
  std::chrono::milliseconds delivery_timeout() const { return delivery_timeout_; }

 private:
  struct State;
  struct TopicDeleter {
    void operator()(rd_kafka_topic_t* rkt) const;
  };
  using TopicPtr = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;

  Producer(std::unique_ptr<State> state, Client client, const ProducerSettings& settings,
           std::chrono::milliseconds delivery_timeout);
  Result<rd_kafka_topic_t*> Topic(std::string_view name);
  Result<bool> Exists(std::string_view name);

  std::unique_ptr<State> state_;  // declared first: outlives the handle that reports into it
  Client client_;
  bool allow_auto_create_;
  std::chrono::milliseconds delivery_timeout_;
  std::map<std::string, TopicPtr, std::less<>> topics_;  // declared after the client it uses
  std::set<std::string, std::less<>> known_;             // topics the cluster has
  std::set<std::string, std::less<>> refreshed_;         // names already looked up
};

}  // namespace client
}  // namespace kpk::cli
