// kpk topic produce: reads records from stdin (one per line by default, or rpk's -f input
// format), produces them, and reports each delivery with the -o output format. Every failed
// record is reported; the exit code is 1 if any failed.
#include <unistd.h>

#include <chrono>
#include <memory>

#include <fmt/core.h>

#include "cli/client/producer.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/duration.h"
#include "cli/format/record_formatter.h"
#include "cli/format/record_reader.h"
#include "cli/format/text.h"
#include "cli/runtime.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
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

using Headers = std::vector<std::pair<std::string, std::string>>;

// Prints each delivered record through the output format and each failure on stderr.
// Deliveries arrive on this thread, while the producer is polled or flushed.
class DeliveryPrinter {
 public:
  explicit DeliveryPrinter(std::unique_ptr<RecordFormatter> output) : output_(std::move(output)) {}

  void OnDelivery(const client::Delivery& delivery) {
    if (!delivery.ok()) return Failed(delivery.error());
    ++delivered_;
    if (!output_ || output_->empty() || !stdout_open_) return;
    delivery.ToView(&view_);
    output_->Append(out_, view_, nullptr);
    if (out_.size() >= kDeliveryLinesFlushBytes) Flush();
  }

  void Failed(const Status& why) {
    ++failed_;
    Fail("produce record", why);
  }

  void Flush() {
    if (stdout_open_ && !out_.empty()) stdout_open_ = WriteStdout(out_);
    out_.clear();
  }

  int64_t failed() const { return failed_; }
  int64_t delivered() const { return delivered_; }

 private:
  std::unique_ptr<RecordFormatter> output_;
  RecordView view_;
  std::string out_;
  bool stdout_open_ = true;
  int64_t failed_ = 0;
  int64_t delivered_ = 0;
};

// The flags as producer settings; an error is a usage error.
Result<client::ProducerSettings> SettingsFrom(const ProduceOptions& opts) {
  client::ProducerSettings settings;
  auto compression = client::ParseCompression(opts.compression);
  if (!compression) {
    return Err(Status::InvalidArgument("invalid compression codec " + Quote(opts.compression)));
  }
  settings.compression = *compression;
  auto acks = client::AcksFromInt(opts.acks);
  if (!acks) {
    return Err(Status::InvalidArgument(
        fmt::format("invalid acks {}, only -1, 0, and 1 are supported", opts.acks)));
  }
  settings.acks = *acks;
  if (!opts.delivery_timeout.empty()) {
    auto d = ParseDuration(opts.delivery_timeout);
    if (!d)
      return Err(Status::InvalidArgument("invalid --delivery-timeout: " + d.error().message()));
    if (*d < std::chrono::seconds(1)) {
      return Err(Status::InvalidArgument("invalid --delivery-timeout less than 1s"));
    }
    settings.delivery_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  if (opts.max_message_bytes >= 0) settings.max_batch_bytes = opts.max_message_bytes;
  settings.allow_auto_topic_creation = opts.allow_auto_topic_creation;
  return settings;
}

// One parsed record as it is produced: parsed fields win over the flags. `headers` is the
// caller's buffer, reused so that records cost no allocation.
client::OutgoingRecord ToOutgoing(const ProduceOptions& opts, const Headers& fixed_headers,
                                  const InputRecord& rec, std::vector<HeaderView>& headers) {
  client::OutgoingRecord out;
  out.topic = rec.topic ? *rec.topic : opts.topic;
  if (opts.partition >= 0) out.partition = rec.partition.value_or(opts.partition);
  if (rec.key && !rec.key->empty()) {
    out.key = *rec.key;
  } else if (!opts.key.empty()) {
    out.key = opts.key;
  }
  if (!(opts.tombstone && rec.value.empty())) out.value = rec.value;
  headers.clear();
  for (const Headers* list : {&fixed_headers, &rec.headers}) {
    for (const auto& [k, v] : *list) headers.push_back({k, v});
  }
  out.headers = headers;
  out.timestamp_ms = rec.timestamp_ms.value_or(0);
  return out;
}

// Produces every record of stdin; returns the exit code of reading them.
int ProduceInput(const ProduceOptions& opts, const Headers& fixed_headers, RecordReader& reader,
                 client::Producer& producer, DeliveryPrinter& printer) {
  InputReader in(STDIN_FILENO);
  in.SetInterruptCheck(StopRequested);
  InputRecord rec;
  std::vector<HeaderView> headers;
  for (int64_t n = 0; !StopRequested(); ++n) {
    auto more = reader.Next(in, &rec);
    if (!more) return StopRequested() ? kExitOk : Fail("read record", more.error());
    if (!*more) break;
    if (!rec.topic && opts.topic.empty()) {
      return Fail("produce record",
                  "topic to produce to is missing, check --help for produce syntax");
    }
    Status queued = producer.Produce(ToOutgoing(opts, fixed_headers, rec, headers));
    if (!queued.ok()) printer.Failed(queued);
    if (n % 1024 == 0) producer.Poll(std::chrono::milliseconds(0));
  }
  return kExitOk;
}

int RunProduce(const ProduceOptions& opts, const Context& ctx) {
  auto reader = RecordReader::Parse(opts.input_format);
  if (!reader) return UsageError("unable to parse input format: " + reader.error().message());
  std::unique_ptr<RecordFormatter> output;
  if (!opts.output_format.empty()) {
    auto parsed = RecordFormatter::Parse(opts.output_format);
    if (!parsed) return UsageError("unable to parse output format: " + parsed.error().message());
    output = std::make_unique<RecordFormatter>(std::move(*parsed));
  }
  auto fixed_headers = ParseKeyValues(opts.headers);
  if (!fixed_headers)
    return UsageError("unable to parse input headers: " + fixed_headers.error().message());

  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) return Fail("load config", loaded.error());
  auto settings = SettingsFrom(opts);
  if (!settings) return UsageError(settings.error().message());
  DeliveryPrinter printer(std::move(output));  // outlives the producer that reports to it
  auto producer = client::Producer::Open(
      loaded->connection, *settings,
      [&printer](const client::Delivery& delivery) { printer.OnDelivery(delivery); });
  if (!producer) return Fail("initialize kafka client", producer.error());
  if (!opts.topic.empty()) {
    if (Status s = producer->PrepareTopic(opts.topic); !s.ok())
      return Fail("produce to topic " + Quote(opts.topic), s);
  }

  InstallStopSignals();
  producer->SetInterruptCheck(StopRequested);
  int exit_code = ProduceInput(opts, *fixed_headers, *reader, *producer, printer);
  if (Status s = producer->Flush(producer->delivery_timeout()); !s.ok()) {
    exit_code = Fail("flush records", s);
  }
  printer.Flush();
  Debug("produce: {} delivered, {} failed", printer.delivered(), printer.failed());
  return printer.failed() > 0 ? kExitFailure : exit_code;
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

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
