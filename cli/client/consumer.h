// kpk's Kafka consumer: typed settings, assigned partitions or a group subscription, and
// records fetched in batches, viewed in place (no copies).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/client/consume_plan.h"
#include "cli/client/kafka_client.h"
#include "cli/format/offset_spec.h"
#include "cli/format/record.h"

namespace kpk::cli {
inline namespace client {

enum class Balancer { kRange, kRoundRobin, kCooperativeSticky };
// rpk's names: range, roundrobin, sticky, cooperative-sticky; nullopt for anything else.
// librdkafka has no eager sticky assignor, so sticky is cooperative-sticky.
std::optional<Balancer> ParseBalancer(std::string_view name);

enum class IsolationLevel { kReadUncommitted, kReadCommitted };
enum class OffsetReset { kEarliest, kLatest };

// A group member commits, automatically and on Close, only the offsets Store marked, so what
// was consumed but not handled is read again by the next member.
struct GroupSettings {
  std::string id;
  Balancer balancer = Balancer::kCooperativeSticky;
  // Where a partition the group has no commit for starts: `start` resolved against the
  // partition's offsets when set (and resolvable), else `reset`.
  OffsetReset reset = OffsetReset::kEarliest;
  std::optional<OffsetSpec> start;
};

struct ConsumerSettings {
  std::optional<GroupSettings> group;  // nullopt: partitions are assigned, nothing is committed
  IsolationLevel isolation = IsolationLevel::kReadUncommitted;
  std::chrono::milliseconds fetch_max_wait{5000};
  int fetch_max_bytes = 1 << 20;
  int fetch_max_partition_bytes = 1 << 20;
  bool report_partition_eof = false;  // Poll returns a partition_eof() message at each end
  std::string rack;                   // for follower fetching; empty: none
};

// The librdkafka properties of `settings`, applied after the connection's. The one place the
// settings become properties.
KafkaProperties ConsumerProperties(const ConsumerSettings& settings);

// One fetched message: a record, a partition's end (with report_partition_eof), or a
// partition's error. Valid until the next Poll or Close.
class Message {
 public:
  std::string_view topic() const;
  int32_t partition() const;
  // A record's offset; at a partition's end, the next offset to be read.
  int64_t offset() const;
  bool partition_eof() const;
  bool failed() const;  // a partition's error; partition_eof() is not one
  std::string_view error() const;
  // Headers are parsed only when asked for, since that is the one costly part.
  void ToView(bool with_headers, RecordView* view) const;

 private:
  friend class Consumer;
  explicit Message(const rd_kafka_message_t* msg) : msg_(msg) {}
  const rd_kafka_message_t* msg_ = nullptr;
};

class Consumer {
 public:
  static Result<Consumer> Open(const ConnectionConfig& cfg, const ConsumerSettings& settings);

  Consumer(Consumer&&) noexcept;
  Consumer& operator=(Consumer&&) noexcept;
  // Closes the consumer if Close was not called.
  ~Consumer();

  // For metadata, offsets and consume plans.
  Client& client() { return client_; }

  // Reads each planned partition from its start (ends are the caller's to watch).
  Status Assign(const std::vector<PartitionPlan>& plan);
  // Joins the group (the settings' group) for `topics`.
  Status Subscribe(const std::vector<std::string>& topics);

  // The next messages, waiting up to `timeout` for the first. Assigned partitions are read in
  // batches; a group member reads one message at a time so rebalances are served in between.
  std::span<const Message> Poll(std::chrono::milliseconds timeout);
  // Stops fetching the partition.
  void Pause(const TopicPartition& tp);
  // Marks a group member's record handled: commits will include it.
  void Store(const Message& msg);
  // The partition's offsets as of the last fetch, without asking the broker.
  Watermarks CachedWatermarks(const Message& msg) const;

  // Commits what Store marked and leaves the group. The commit is left to closing: an explicit
  // one first races the cooperative unassign, and librdkafka 2.0 then skips the LeaveGroup.
  void Close();

 private:
  struct State;
  struct Batch;
  Consumer(std::unique_ptr<State> state, Client client);
  void StartPolling();

  std::unique_ptr<State> state_;  // declared first: outlives the handle whose callbacks use it
  Client client_;
  QueuePtr queue_;                // destroyed before the handle
  std::unique_ptr<Batch> batch_;  // likewise: messages must not outlive their handle
};

}  // namespace client
}  // namespace kpk::cli
