// kpk topic produce: reads records from stdin (one per line by default, or rpk's -f input
// format), produces them, and reports each delivery with the -o output format. Every failed
// record is reported; the exit code is 1 if any failed.
#include <unistd.h>

#include <map>
#include <memory>
#include <set>

#include <fmt/core.h>

#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"
#include "cli/format/duration.h"
#include "cli/client/kafka_records.h"
#include "common/log.h"
#include "cli/format/record_formatter.h"
#include "cli/format/record_reader.h"
#include "cli/format/text.h"

namespace kpk::cli::inline commands::inline topic {
namespace {

constexpr size_t kDeliveryLinesFlushBytes = 64 * 1024;

struct ProduceOptions {
  std::string topic;
  std::string input_format = "%v\\n";
  std::string output_format = "Produced to partition %p at offset %o with timestamp %d.\\n";
  std::string key;
  std::vector<std::string> headers;
  int partition = -1;
  bool tombstone = false;
  std::string compression = "snappy";
  int acks = -1;
  std::string delivery_timeout;
  int max_message_bytes = -1;
  bool allow_auto_topic_creation = false;
};

// Delivery reports arrive on this thread (from rd_kafka_poll); they print successes through
// the output format and failures on stderr.
struct DeliveryState {
  std::unique_ptr<RecordFormatter> output;
  int compression = 0;
  std::string out;
  bool stdout_open = true;
  int64_t failed = 0;
  int64_t delivered = 0;

  void FlushOutput() {
    if (stdout_open && !out.empty()) stdout_open = WriteStdout(out);
    out.clear();
  }

  // The state travels as each message's opaque: the handle's opaque belongs to the client.
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
    auto* self = static_cast<DeliveryState*>(msg->_private);
    if (msg->err) {
      ++self->failed;
      // Not rd_kafka_message_errstr: for a delivery report it returns the record's payload.
      Fail("produce record", client::ErrorName(msg->err) + ": " + rd_kafka_err2str(msg->err));
      return;
    }
    ++self->delivered;
    if (!self->output || self->output->empty() || !self->stdout_open) return;
    RecordView view;
    client::ToRecordView(msg, true, &view, self->compression);
    self->output->Append(self->out, view, nullptr);
    if (self->out.size() >= kDeliveryLinesFlushBytes) self->FlushOutput();
  }
};

// Knows which topics exist, so records for a missing topic fail at once instead of waiting
// for librdkafka's metadata propagation timeout.
class TopicCache {
 public:
  TopicCache(client::Client& client, bool allow_auto_create)
      : client_(client), allow_auto_create_(allow_auto_create) {}

  // The topic handle, or an error if the topic does not exist (and may not be created).
  Result<rd_kafka_topic_t*> Get(const std::string& name) {
    if (auto it = handles_.find(name); it != handles_.end()) return it->second;
    if (!allow_auto_create_) {
      Result<bool> exists = Exists(name);
      if (!exists) return Err(exists.error());
      if (!*exists) {
        return Err(Status::NotFound(
            fmt::format("topic {} does not exist: {}", Quote(name),
                        client::ErrorName(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART))));
      }
    }
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(client_.get(), name.c_str(), nullptr);
    if (rkt == nullptr)
      return Err(Status::InvalidArgument(client::ErrorText(rd_kafka_last_error())));
    handles_[name] = rkt;
    return rkt;
  }

  ~TopicCache() {
    for (auto& [name, rkt] : handles_) rd_kafka_topic_destroy(rkt);
  }

 private:
  // Whether the cluster has the topic; an error if the cluster could not be asked.
  Result<bool> Exists(const std::string& name) {
    if (known_.count(name)) return true;
    if (refreshed_.count(name)) return false;
    Result<client::ClusterMetadata> md = client_.Metadata();
    if (!md) return Err(md.error());
    refreshed_.insert(name);  // one metadata request per unknown name
    for (const client::TopicInfo& t : md->topics) {
      if (!t.err) known_.insert(t.name);
    }
    return known_.count(name) > 0;
  }

  client::Client& client_;
  bool allow_auto_create_;
  std::set<std::string> known_;
  std::set<std::string> refreshed_;
  std::map<std::string, rd_kafka_topic_t*> handles_;
};

Result<KafkaProperties> ProducerProperties(const ProduceOptions& opts,
                                           const ConnectionConfig& cfg) {
  KafkaProperties props;
  if (client::CompressionCode(opts.compression) < 0) {
    return Err(Status::InvalidArgument("invalid compression codec " + Quote(opts.compression)));
  }
  props.emplace_back("compression.codec", opts.compression);
  if (opts.acks != -1 && opts.acks != 0 && opts.acks != 1) {
    return Err(Status::InvalidArgument(
        fmt::format("invalid acks {}, only -1, 0, and 1 are supported", opts.acks)));
  }
  props.emplace_back("acks", std::to_string(opts.acks));
  int64_t timeout_ms = cfg.command_timeout.count();
  if (!opts.delivery_timeout.empty()) {
    auto d = ParseDuration(opts.delivery_timeout);
    if (!d)
      return Err(Status::InvalidArgument("invalid --delivery-timeout: " + d.error().message()));
    if (*d < std::chrono::seconds(1)) {
      return Err(Status::InvalidArgument("invalid --delivery-timeout less than 1s"));
    }
    timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d).count();
  }
  props.emplace_back("message.timeout.ms", std::to_string(timeout_ms));
  props.emplace_back("allow.auto.create.topics", opts.allow_auto_topic_creation ? "true" : "false");
  if (opts.max_message_bytes >= 0)
    props.emplace_back("batch.size", std::to_string(opts.max_message_bytes));
  // Bulk input: bigger batches and a deeper queue keep the broker busy without extra latency
  // for interactive use (batches still leave after linger.ms).
  props.emplace_back("linger.ms", "10");
  props.emplace_back("batch.num.messages", "100000");
  props.emplace_back("queue.buffering.max.messages", "1000000");
  props.emplace_back("queue.buffering.max.kbytes", "1048576");
  return props;
}

// Hands one parsed record to librdkafka, waiting for queue space while delivery reports drain.
// Returns false if the record failed before being queued (already reported).
bool Enqueue(client::Client& client, TopicCache& topics, const ProduceOptions& opts,
             const std::vector<std::pair<std::string, std::string>>& fixed_headers,
             InputRecord& rec, DeliveryState& state) {
  const std::string& topic_name = rec.topic ? *rec.topic : opts.topic;
  Result<rd_kafka_topic_t*> rkt = topics.Get(topic_name);
  if (!rkt) {
    ++state.failed;
    Fail("produce record", rkt.error());
    return false;
  }
  const std::string* key = rec.key && !rec.key->empty() ? &*rec.key
                           : opts.key.empty()           ? nullptr
                                                        : &opts.key;
  bool null_value = opts.tombstone && rec.value.empty();
  int32_t partition = opts.partition < 0 ? RD_KAFKA_PARTITION_UA
                      : rec.partition    ? *rec.partition
                                         : opts.partition;
  rd_kafka_headers_t* headers = nullptr;
  if (!fixed_headers.empty() || !rec.headers.empty()) {
    headers = rd_kafka_headers_new(fixed_headers.size() + rec.headers.size());
    using Headers = std::vector<std::pair<std::string, std::string>>;
    for (const Headers* list : {&fixed_headers, static_cast<const Headers*>(&rec.headers)}) {
      for (const auto& [k, v] : *list)
        rd_kafka_header_add(headers, k.data(), k.size(), v.data(), v.size());
    }
  }
  while (true) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(client.get(), RD_KAFKA_V_RKT(*rkt), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_VALUE(null_value ? nullptr : rec.value.data(),
                                           null_value ? 0 : rec.value.size()),
                          RD_KAFKA_V_KEY(key ? key->data() : nullptr, key ? key->size() : 0),
                          RD_KAFKA_V_TIMESTAMP(rec.timestamp_ms.value_or(0)),
                          RD_KAFKA_V_OPAQUE(&state), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;  // librdkafka owns the headers now
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !StopRequested()) {
      client.Poll(50);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    ++state.failed;
    Fail("produce record", client::ErrorName(err) + ": " + client::ErrorText(err));
    return false;
  }
}

// Waits for every queued record, bounded by the delivery timeout plus a margin.
bool FlushAll(client::Client& client, int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + 5000);
  while (rd_kafka_outq_len(client.get()) > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    rd_kafka_flush(client.get(), 100);
  }
  return true;
}

int RunProduce(const ProduceOptions& opts, const Context& ctx) {
  auto reader = RecordReader::Parse(opts.input_format);
  if (!reader) return UsageError("unable to parse input format: " + reader.error().message());
  auto state = std::make_unique<DeliveryState>();
  if (!opts.output_format.empty()) {
    auto output = RecordFormatter::Parse(opts.output_format);
    if (!output) return UsageError("unable to parse output format: " + output.error().message());
    state->output = std::make_unique<RecordFormatter>(std::move(*output));
  }
  state->compression = client::CompressionCode(opts.compression);
  auto fixed_headers = ParseKeyValues(opts.headers);
  if (!fixed_headers)
    return UsageError("unable to parse input headers: " + fixed_headers.error().message());

  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) return Fail("load config", loaded.error());
  auto props = ProducerProperties(opts, loaded->connection);
  if (!props) return UsageError(props.error().message());
  client::ClientOptions client_opts;
  client_opts.extra = *props;
  client_opts.customize = [](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_dr_msg_cb(conf, &DeliveryState::OnDelivery);
  };
  auto client = client::Client::Open(loaded->connection, client_opts);
  if (!client) return Fail("initialize kafka client", client.error());

  TopicCache topics(*client, opts.allow_auto_topic_creation);
  if (!opts.topic.empty()) {
    if (auto rkt = topics.Get(opts.topic); !rkt)
      return Fail("produce to topic " + Quote(opts.topic), rkt.error());
  }

  InstallStopSignals();
  InputReader in(STDIN_FILENO);
  in.SetInterruptCheck(StopRequested);
  InputRecord rec;
  int exit_code = kExitOk;
  for (int64_t n = 0; !StopRequested(); ++n) {
    auto more = reader->Next(in, &rec);
    if (!more) {
      if (!StopRequested()) exit_code = Fail("read record", more.error());
      break;
    }
    if (!*more) break;
    if (!rec.topic && opts.topic.empty()) {
      exit_code =
          Fail("produce record", "topic to produce to is missing, check --help for produce syntax");
      break;
    }
    Enqueue(*client, topics, opts, *fixed_headers, rec, *state);
    if (n % 1024 == 0) client->Poll(0);
  }
  int64_t timeout_ms = 0;
  for (const auto& [k, v] : *props) {
    if (k == "message.timeout.ms") timeout_ms = std::stoll(v);
  }
  if (!FlushAll(*client, timeout_ms)) {
    exit_code = Fail("flush records", fmt::format("{} records still undelivered after {} ms",
                                                  rd_kafka_outq_len(client->get()), timeout_ms));
  }
  state->FlushOutput();
  Debug("produce: {} delivered, {} failed", state->delivered, state->failed);
  return state->failed > 0 ? kExitFailure : exit_code;
}

}  // namespace

void RegisterTopicProduce(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<ProduceOptions>();
  CLI::App* cmd = topic->add_subcommand("produce", "Produce records to a topic");
  cmd->footer(
      "Reads records from stdin, one per line by default. -f takes rpk's input format:\n"
      "%t topic, %k key, %v value, %T %K %V sizes, %H header count, %h{%k=%v} headers,\n"
      "%p partition (with a non-negative --partition), escapes \\t \\n \\r \\\\ \\xNN.\n"
      "Modifiers: %v{hex} %v{base64} %v{re[...]}, sizes %K{big16} %V{4} ... e.g.\n"
      "  -f '%k %v\\n'   key and value separated by a space\n"
      "-o prints each delivered record with the consume format verbs; -o '' prints nothing.");
  cmd->add_option("topic", opts->topic, "Topic to produce to (or %t in the input format)");
  cmd->add_option("-f,--format", opts->input_format, "Input record format")->default_str("%v\\n");
  cmd->add_option("-o,--output-format", opts->output_format,
                  "What to print for each produced record")
      ->default_str("Produced to partition %p at offset %o with timestamp %d.\\n");
  cmd->add_option("-k,--key", opts->key,
                  "A fixed key for each record (parsed keys take precedence)");
  cmd->add_option("-H,--header", opts->headers, "Header key:value for each record (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-p,--partition", opts->partition,
                  "Partition to produce to, if non-negative (also enables %p in the input)")
      ->default_val(-1);
  cmd->add_flag("-Z,--tombstone", opts->tombstone, "Produce empty values as tombstones (null)");
  cmd->add_option("-z,--compression", opts->compression,
                  "Compression: none, gzip, snappy, lz4, zstd")
      ->default_val("snappy");
  cmd->add_option("--acks", opts->acks, "Acks required: -1 all, 0 none, 1 leader")->default_val(-1);
  cmd->add_option("--delivery-timeout", opts->delivery_timeout,
                  "Per-record delivery timeout (min 1s; default the command timeout)");
  cmd->add_option("--max-message-bytes", opts->max_message_bytes,
                  "If non-negative, maximum size of a record batch before compression")
      ->default_val(-1);
  cmd->add_flag("--allow-auto-topic-creation", opts->allow_auto_topic_creation,
                "Let the broker create missing topics (if it allows auto creation)");
  OnRun(cmd, ctx, [opts, &ctx] { return RunProduce(*opts, ctx); });
}

}  // namespace kpk::cli::commands::topic
