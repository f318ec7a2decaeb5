#include "cli/client/producer.h"

#include <fmt/core.h>

#include "cli/client/kafka_records.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace client {
namespace {

using Clock = std::chrono::steady_clock;

// librdkafka expires queued records on a periodic scan, so the report of one that timed out
// may come a little after its delivery timeout.
constexpr std::chrono::milliseconds kReportSlack{5000};

Status KafkaError(rd_kafka_resp_err_t err) {
  return Status::IOError(ErrorName(err) + ": " + ErrorText(err));
}

// librdkafka copies the headers into the message only if it takes the message; null if none.
rd_kafka_headers_t* NewHeaders(std::span<const HeaderView> headers) {
  if (headers.empty()) return nullptr;
  rd_kafka_headers_t* out = rd_kafka_headers_new(headers.size());
  for (const HeaderView& h : headers) {
    rd_kafka_header_add(out, h.key.data(), h.key.size(), h.value.data(), h.value.size());
  }
  return out;
}

}  // namespace

std::optional<Compression> ParseCompression(std::string_view name) {
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                        Compression::kLz4, Compression::kZstd}) {
    if (name == CompressionName(c)) return c;
  }
  return std::nullopt;
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "none";
}

std::optional<Acks> AcksFromInt(int acks) {
  if (acks == -1 || acks == 0 || acks == 1) return static_cast<Acks>(acks);
  return std::nullopt;
}

std::chrono::milliseconds DeliveryTimeout(const ProducerSettings& settings,
                                          const ConnectionConfig& cfg) {
  return settings.delivery_timeout.value_or(cfg.command_timeout);
}

KafkaProperties ProducerProperties(const ProducerSettings& settings, const ConnectionConfig& cfg) {
  KafkaProperties props;
  props.emplace_back("compression.codec", CompressionName(settings.compression));
  props.emplace_back("acks", std::to_string(static_cast<int>(settings.acks)));
  // The Java client's and rpk's placement: a key goes where murmur2 puts it (librdkafka's
  // default, CRC32, would send it elsewhere); records without a key stick to one partition
  // per batch, as franz-go's sticky partitioner does.
  props.emplace_back("partitioner", "murmur2_random");
  props.emplace_back("message.timeout.ms", std::to_string(DeliveryTimeout(settings, cfg).count()));
  props.emplace_back("allow.auto.create.topics",
                     settings.allow_auto_topic_creation ? "true" : "false");
  if (settings.max_batch_bytes)
    props.emplace_back("batch.size", std::to_string(*settings.max_batch_bytes));
  props.emplace_back("linger.ms", std::to_string(settings.linger.count()));
  props.emplace_back("batch.num.messages", std::to_string(settings.max_batch_records));
  props.emplace_back("queue.buffering.max.messages", std::to_string(settings.max_queued_records));
  props.emplace_back("queue.buffering.max.kbytes", std::to_string(settings.max_queued_kbytes));
  return props;
}

bool Delivery::ok() const { return msg_->err == RD_KAFKA_RESP_ERR_NO_ERROR; }

Status Delivery::error() const {
  // Not rd_kafka_message_errstr: for a delivery report it returns the record's payload.
  return ok() ? Status::OK() : KafkaError(msg_->err);
}

void Delivery::ToView(RecordView* view) const {
  ToRecordView(msg_, true, view, static_cast<int>(compression_));
}

// Reached from each message's opaque: the handle's opaque belongs to the client.
struct Producer::State {
  DeliveryHandler on_delivery;
  Compression compression = Compression::kNone;
  std::function<bool()> interrupted;

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
    auto* self = static_cast<State*>(msg->_private);
    if (self->on_delivery) self->on_delivery(Delivery(msg, self->compression));
  }
};

void Producer::TopicDeleter::operator()(rd_kafka_topic_t* rkt) const {
  rd_kafka_topic_destroy(rkt);
}

Result<Producer> Producer::Open(const ConnectionConfig& cfg, const ProducerSettings& settings,
                                DeliveryHandler on_delivery) {
  auto state = std::make_unique<State>();
  state->on_delivery = std::move(on_delivery);
  state->compression = settings.compression;
  ClientOptions options;
  options.kind = ClientKind::kProducer;
  options.extra = ProducerProperties(settings, cfg);
  options.customize = [](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_dr_msg_cb(conf, &State::OnDelivery);
  };
  Result<Client> client = Client::Open(cfg, options);
  if (!client) return Err(client.error());
  return Producer(std::move(state), std::move(*client), settings, DeliveryTimeout(settings, cfg));
}

Producer::Producer(std::unique_ptr<State> state, Client client, const ProducerSettings& settings,
                   std::chrono::milliseconds delivery_timeout)
    : state_(std::move(state)),
      client_(std::move(client)),
      allow_auto_create_(settings.allow_auto_topic_creation),
      delivery_timeout_(delivery_timeout) {}
Producer::Producer(Producer&&) noexcept = default;
Producer& Producer::operator=(Producer&&) noexcept = default;
Producer::~Producer() = default;

void Producer::SetInterruptCheck(std::function<bool()> check) {
  state_->interrupted = std::move(check);
}

Status Producer::PrepareTopic(std::string_view topic) {
  Result<rd_kafka_topic_t*> rkt = Topic(topic);
  return rkt ? Status::OK() : rkt.error();
}

Status Producer::Produce(const OutgoingRecord& record) {
  Result<rd_kafka_topic_t*> rkt = Topic(record.topic);
  if (!rkt) return rkt.error();
  // Null pointers are null key and value; librdkafka copies the bytes (RD_KAFKA_MSG_F_COPY).
  // The arguments are plain names: the RD_KAFKA_V_ macros cast them unparenthesised.
  auto* key = record.key ? record.key->data() : nullptr;
  size_t key_size = record.key ? record.key->size() : 0;
  auto* value = record.value ? const_cast<char*>(record.value->data()) : nullptr;
  size_t value_size = record.value ? record.value->size() : 0;
  rd_kafka_headers_t* headers = NewHeaders(record.headers);
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        client_.get(), RD_KAFKA_V_RKT(*rkt), RD_KAFKA_V_PARTITION(record.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value, value_size),
        RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_TIMESTAMP(record.timestamp_ms),
        RD_KAFKA_V_OPAQUE(state_.get()), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();  // it owns the headers now
    // A full queue empties as delivery reports are served.
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !(state_->interrupted && state_->interrupted())) {
      Poll(std::chrono::milliseconds(50));
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    return KafkaError(err);
  }
}

void Producer::Poll(std::chrono::milliseconds timeout) {
  client_.Poll(static_cast<int>(timeout.count()));
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout + kReportSlack;
  while (Pending() > 0) {
    if (Clock::now() >= deadline) {
      return Status::TimedOut(
          fmt::format("{} records still undelivered after {} ms", Pending(), timeout.count()));
    }
    rd_kafka_flush(client_.get(), 100);
  }
  return Status::OK();
}

int64_t Producer::Pending() const { return rd_kafka_outq_len(client_.get()); }

Result<rd_kafka_topic_t*> Producer::Topic(std::string_view name) {
  if (auto it = topics_.find(name); it != topics_.end()) return it->second.get();
  if (!allow_auto_create_) {
    Result<bool> exists = Exists(name);
    if (!exists) return Err(exists.error());
    if (!*exists) {
      return Err(Status::NotFound(fmt::format("topic {} does not exist: {}", Quote(name),
                                              ErrorName(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART))));
    }
  }
  std::string owned(name);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(client_.get(), owned.c_str(), nullptr);
  if (rkt == nullptr) return Err(Status::InvalidArgument(ErrorText(rd_kafka_last_error())));
  topics_.emplace(std::move(owned), TopicPtr(rkt));
  return rkt;
}

Result<bool> Producer::Exists(std::string_view name) {
  if (known_.contains(name)) return true;
  if (refreshed_.contains(name)) return false;
  Result<ClusterMetadata> md = client_.Metadata();
  if (!md) return Err(md.error());
  refreshed_.emplace(name);  // one metadata request per unknown name
  for (const TopicInfo& t : md->topics) {
    if (!t.err) known_.insert(t.name);
  }
  return known_.contains(name);
}

}  // namespace client
}  // namespace kpk::cli
