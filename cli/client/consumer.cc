#include "cli/client/consumer.h"

#include <fmt/core.h>

#include "cli/client/kafka_records.h"
#include "cli/format/output.h"

namespace kpk::cli {
inline namespace client {
namespace {

// Messages taken from the queue per poll: enough that the queue's lock is not the bottleneck.
constexpr size_t kBatchSize = 4096;

std::string_view BalancerName(Balancer balancer) {
  switch (balancer) {
    case Balancer::kRange:
      return "range";
    case Balancer::kRoundRobin:
      return "roundrobin";
    case Balancer::kCooperativeSticky:
      return "cooperative-sticky";
  }
  return "cooperative-sticky";
}

void AddGroupProperties(const GroupSettings& group, KafkaProperties& props) {
  props.emplace_back("group.id", group.id);
  props.emplace_back("partition.assignment.strategy", BalancerName(group.balancer));
  props.emplace_back("enable.auto.commit", "true");
  props.emplace_back("enable.auto.offset.store", "false");  // Store decides what is committed
  props.emplace_back("auto.offset.reset",
                     group.reset == OffsetReset::kLatest ? "latest" : "earliest");
}

}  // namespace

std::optional<Balancer> ParseBalancer(std::string_view name) {
  if (name == "sticky") return Balancer::kCooperativeSticky;
  for (Balancer b : {Balancer::kRange, Balancer::kRoundRobin, Balancer::kCooperativeSticky}) {
    if (name == BalancerName(b)) return b;
  }
  return std::nullopt;
}

KafkaProperties ConsumerProperties(const ConsumerSettings& settings) {
  KafkaProperties props;
  props.emplace_back("fetch.wait.max.ms", std::to_string(settings.fetch_max_wait.count()));
  props.emplace_back("fetch.max.bytes", std::to_string(settings.fetch_max_bytes));
  props.emplace_back("max.partition.fetch.bytes",
                     std::to_string(settings.fetch_max_partition_bytes));
  props.emplace_back("isolation.level", settings.isolation == IsolationLevel::kReadCommitted
                                            ? "read_committed"
                                            : "read_uncommitted");
  props.emplace_back("enable.partition.eof", settings.report_partition_eof ? "true" : "false");
  props.emplace_back("allow.auto.create.topics", "false");
  // Fetch ahead generously: the consuming thread should never wait for the network.
  props.emplace_back("queued.min.messages", "1000000");
  props.emplace_back("queued.max.messages.kbytes", "1048576");
  if (!settings.rack.empty()) props.emplace_back("client.rack", settings.rack);
  if (settings.group) {
    AddGroupProperties(*settings.group, props);
  } else {
    props.emplace_back("group.id", "kpk-unused");  // librdkafka wants one; nothing is committed
    props.emplace_back("enable.auto.commit", "false");
  }
  return props;
}

std::string_view Message::topic() const {
  return msg_->rkt != nullptr ? rd_kafka_topic_name(msg_->rkt) : "";
}
int32_t Message::partition() const { return msg_->partition; }
int64_t Message::offset() const { return msg_->offset; }
bool Message::partition_eof() const { return msg_->err == RD_KAFKA_RESP_ERR__PARTITION_EOF; }
bool Message::failed() const { return msg_->err && !partition_eof(); }
std::string_view Message::error() const { return rd_kafka_message_errstr(msg_); }
void Message::ToView(bool with_headers, RecordView* view) const {
  ToRecordView(msg_, with_headers, view);
}

// The messages of the last poll, which belong to the caller until the next one.
struct Consumer::Batch {
  std::vector<rd_kafka_message_t*> raw = std::vector<rd_kafka_message_t*>(kBatchSize);
  std::vector<Message> messages;
  size_t held = 0;

  Batch() { messages.reserve(kBatchSize); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() { Release(); }
  void Release() {
    for (size_t i = 0; i < held; ++i) rd_kafka_message_destroy(raw[i]);
    held = 0;
    messages.clear();
  }
};

namespace {

// The offset GroupSettings::start names for one partition, or RD_KAFKA_OFFSET_INVALID if it
// cannot be looked up (auto.offset.reset then decides).
int64_t GroupStartOffset(rd_kafka_t* rk, const rd_kafka_topic_partition_t& p,
                         const OffsetSpec& spec, int timeout_ms) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, p.topic, p.partition, &low, &high, timeout_ms);
  if (err) return RD_KAFKA_OFFSET_INVALID;
  int64_t from_ts = -1;
  if (spec.from == OffsetSpec::From::kTimestamp) {
    PartitionListPtr one = NewPartitionList(1);
    rd_kafka_topic_partition_list_add(one.get(), p.topic, p.partition)->offset = spec.from_value;
    if (rd_kafka_offsets_for_times(rk, one.get(), timeout_ms) || one->elems[0].err) {
      return RD_KAFKA_OFFSET_INVALID;
    }
    from_ts = one->elems[0].offset;
  }
  return ResolveOffsetRange(spec, low, high, from_ts).start;
}

// Partitions the group has committed offsets for resume there; the others start where the
// settings say.
void ApplyGroupStart(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* parts,
                     const std::optional<OffsetSpec>& start, int timeout_ms) {
  if (!start) return;
  rd_kafka_resp_err_t err = rd_kafka_committed(rk, parts, timeout_ms);
  if (err) {
    WriteStderr(
        fmt::format("warning: unable to fetch committed offsets, starting where "
                    "auto.offset.reset says: {}",
                    ErrorText(err)));
    return;
  }
  for (int i = 0; i < parts->cnt; ++i) {
    rd_kafka_topic_partition_t& p = parts->elems[i];
    if (p.offset < 0) p.offset = GroupStartOffset(rk, p, *start, timeout_ms);
  }
}

}  // namespace

// What the rebalance callback needs, reached through Client::CallbackState.
struct Consumer::State {
  std::optional<OffsetSpec> group_start;
  int timeout_ms = 0;
  bool subscribed = false;
  bool closed = false;

  // Applies rebalances the way the protocol in use wants them. librdkafka's built-in handling
  // would do the same, except that with a cooperative protocol it then skips the LeaveGroup on
  // close (2.0), leaving the group looking busy until the session times out.
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* /*the client's*/) {
    const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    if (assign) {
      const auto* self = static_cast<const State*>(Client::CallbackState(rk));
      ApplyGroupStart(rk, parts, self->group_start, self->timeout_ms);
    }
    if (cooperative) {
      ErrorPtr e(assign ? rd_kafka_incremental_assign(rk, parts)
                        : rd_kafka_incremental_unassign(rk, parts));
      if (e) WriteStderr(fmt::format("rebalance: {}", rd_kafka_error_string(e.get())));
    } else {
      rd_kafka_assign(rk, assign ? parts : nullptr);
    }
  }
};

Result<Consumer> Consumer::Open(const ConnectionConfig& cfg, const ConsumerSettings& settings) {
  auto state = std::make_unique<State>();
  if (settings.group) state->group_start = settings.group->start;
  state->timeout_ms = static_cast<int>(cfg.command_timeout.count());
  ClientOptions options;
  options.kind = ClientKind::kConsumer;
  options.extra = ConsumerProperties(settings);
  options.customize = [](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_rebalance_cb(conf, &State::OnRebalance);
  };
  options.callback_state = state.get();
  Result<Client> client = Client::Open(cfg, options);
  if (!client) return Err(client.error());
  return Consumer(std::move(state), std::move(*client));
}

Consumer::Consumer(std::unique_ptr<State> state, Client client)
    : state_(std::move(state)), client_(std::move(client)), batch_(std::make_unique<Batch>()) {}
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&&) noexcept = default;
Consumer::~Consumer() {
  if (state_ && batch_) Close();
}

void Consumer::StartPolling() {
  rd_kafka_poll_set_consumer(client_.get());
  queue_.reset(rd_kafka_queue_get_consumer(client_.get()));
}

Status Consumer::Assign(const std::vector<PartitionPlan>& plan) {
  StartPolling();
  PartitionListPtr list = NewPartitionList(static_cast<int>(plan.size()));
  for (const PartitionPlan& p : plan) {
    rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition)->offset =
        p.start;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(client_.get(), list.get());
  return err ? Status::IOError(ErrorText(err)) : Status::OK();
}

Status Consumer::Subscribe(const std::vector<std::string>& topics) {
  StartPolling();
  PartitionListPtr list = NewPartitionList(static_cast<int>(topics.size()));
  for (const std::string& t : topics) {
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(client_.get(), list.get());
  if (err) return Status::IOError(ErrorText(err));
  state_->subscribed = true;
  return Status::OK();
}

std::span<const Message> Consumer::Poll(std::chrono::milliseconds timeout) {
  Batch& batch = *batch_;
  batch.Release();
  const int timeout_ms = static_cast<int>(timeout.count());
  if (state_->subscribed) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(client_.get(), timeout_ms);
    if (m != nullptr) batch.raw[batch.held++] = m;
  } else {
    ssize_t n =
        rd_kafka_consume_batch_queue(queue_.get(), timeout_ms, batch.raw.data(), batch.raw.size());
    batch.held = n > 0 ? static_cast<size_t>(n) : 0;
  }
  for (size_t i = 0; i < batch.held; ++i) batch.messages.push_back(Message(batch.raw[i]));
  return batch.messages;
}

void Consumer::Pause(const TopicPartition& tp) {
  PartitionListPtr list = NewPartitionList(1);
  rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  rd_kafka_pause_partitions(client_.get(), list.get());
}

void Consumer::Store(const Message& msg) {
  rd_kafka_offset_store(msg.msg_->rkt, msg.msg_->partition, msg.msg_->offset);
}

Watermarks Consumer::CachedWatermarks(const Message& msg) const {
  Watermarks w;
  std::string_view topic = msg.topic();  // from rd_kafka_topic_name: NUL-terminated
  w.err = rd_kafka_get_watermark_offsets(client_.get(), topic.data(), msg.partition(), &w.start,
                                         &w.end);
  return w;
}

void Consumer::Close() {
  batch_->Release();
  if (!state_->subscribed || state_->closed) return;
  state_->closed = true;
  rd_kafka_consumer_close(client_.get());
}

}  // namespace client
}  // namespace kpk::cli
