// RAII wrappers over librdkafka's C API and the Kafka client every command starts from.
//
// Every wait is bounded: metadata and admin requests use the command timeout, and a cluster
// that cannot be reached at all is reported after the dial timeout instead of retrying until
// the command timeout runs out.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "cli/config/client_settings.h"
#include "cli/config/config.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* ev) const { rd_kafka_event_destroy(ev); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};

using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

PartitionListPtr NewPartitionList(int size_hint = 0);

// An error as text. A broker's error as rpk prints it, its name and Kafka's own message:
// "UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition."; an error of
// librdkafka's own (negative codes) with librdkafka's description, "Local: Timed out".
std::string ErrorText(rd_kafka_resp_err_t err);
// The Kafka error name as brokers and rpk print it, e.g. "UNKNOWN_TOPIC_OR_PARTITION".
std::string ErrorName(rd_kafka_resp_err_t err);

struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int port = 0;
};

struct PartitionInfo {
  int32_t id = -1;
  int32_t leader = -1;
  std::vector<int32_t> replicas;  // sorted
  std::vector<int32_t> isrs;      // sorted
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  // Not in librdkafka 2.0's metadata: filled by AddPartitionDetails (partition_details.h).
  int32_t leader_epoch = -1;
  std::vector<int32_t> offline_replicas;  // sorted
};

struct TopicInfo {
  std::string name;
  bool internal = false;  // by name: librdkafka 2.0.2 does not expose the metadata flag
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::vector<PartitionInfo> partitions;  // sorted by id
  int ReplicationFactor() const;
};

struct ClusterMetadata {
  std::string cluster_id;           // empty if the broker does not report one
  int32_t controller_id = -1;       // -1 if unknown
  std::vector<BrokerInfo> brokers;  // sorted by id
  std::vector<TopicInfo> topics;    // sorted by name
  const TopicInfo* FindTopic(std::string_view name) const;
};

// Topic names Kafka and Redpanda use for their own state.
bool IsInternalTopic(std::string_view name);

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct PartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// A partition's log start offset and high watermark, or why they could not be listed.
struct Watermarks {
  int64_t start = -1;
  int64_t end = -1;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// ListOffsets sentinels accepted by ListOffsets().
inline constexpr int64_t kEarliestOffset = -2;
inline constexpr int64_t kLatestOffset = -1;

enum class ClientKind { kProducer, kConsumer };

struct ClientOptions {
  ClientKind kind = ClientKind::kProducer;
  KafkaProperties extra;  // command-specific properties, applied after the connection's
  // Installs command-specific callbacks (delivery reports, rebalances) on the configuration.
  // The handle opaque is the client's own; callbacks reach `callback_state` through
  // Client::CallbackState instead.
  std::function<void(rd_kafka_conf_t*)> customize;
  void* callback_state = nullptr;
};

// For a program whose process ends when the client's work does (the kpk binary): a handle with
// nothing left to deliver and no group to leave is then left to the process's exit. Destroying
// it waits for librdkafka's threads to wind down, about 1 ms, a sixth of `kpk cluster info`.
void LeaveIdleHandlesToProcessExit();

class Client {
 public:
  static Result<Client> Open(const ConnectionConfig& cfg, const ClientOptions& options = {});

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  rd_kafka_t* get() const { return handle_.get(); }
  // The options' callback_state of the client that owns `rk`, for callbacks it installed.
  static void* CallbackState(rd_kafka_t* rk);
  const ConnectionConfig& config() const { return config_; }
  // The bound for one request or wait.
  std::chrono::milliseconds timeout() const { return config_.command_timeout; }

  // Metadata for every topic (or, with topics_too = false, brokers only). Fails fast when no
  // broker answers within the dial timeout.
  Result<ClusterMetadata> Metadata(bool topics_too = true);
  // Makes sure some broker answers before an admin request is sent.
  Status EnsureConnected();

  // ListOffsets for each partition at `timestamp` (ms since epoch, or kEarliestOffset /
  // kLatestOffset). For a timestamp with no later record the offset is -1.
  Result<std::vector<PartitionOffset>> ListOffsets(const std::vector<TopicPartition>& partitions,
                                                   int64_t timestamp);

  // Log start offsets and high watermarks, two batched ListOffsets requests.
  Result<std::map<TopicPartition, Watermarks>> ListWatermarks(
      const std::vector<TopicPartition>& partitions);

  // Serves librdkafka callbacks on the main queue (errors, delivery reports).
  void Poll(int timeout_ms);
  // The last client-level error librdkafka reported, if any (e.g. all brokers down).
  std::string LastError() const;

 private:
  struct State;
  Client(HandlePtr handle, std::unique_ptr<State> state, const ConnectionConfig& cfg);

  std::unique_ptr<State> state_;  // declared first: callbacks point into it
  HandlePtr handle_;
  ConnectionConfig config_;
  bool connected_ = false;
};

}  // namespace client
}  // namespace kpk::cli
