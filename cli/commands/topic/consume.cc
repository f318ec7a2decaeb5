// kpk topic consume: prints records of topics to stdout, as rpk's JSON record by default or
// with rpk's -f format verbs. Bounded offsets (-o :end, N:M, @t1:t2) and -n end the command
// as soon as the last wanted record is printed; Ctrl-C, SIGTERM and a closed stdout end it
// cleanly.
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"
#include "cli/client/consume_plan.h"
#include "cli/format/duration.h"
#include "cli/client/kafka_records.h"
#include "common/log.h"
#include "cli/format/name_filter.h"
#include "cli/format/offset_spec.h"
#include "cli/format/record_formatter.h"
#include "cli/format/record_json.h"
#include "cli/format/text.h"

namespace kpk::cli::inline commands::inline topic {
namespace {

constexpr size_t kBatchSize = 4096;
constexpr size_t kOutputFlushBytes = 256 * 1024;

struct ConsumeOptions {
  std::vector<std::string> topics;
  std::string offset = "start";
  std::vector<int32_t> partitions;
  bool regex = false;
  int64_t num = 0;
  std::string group;
  std::string balancer = "cooperative-sticky";
  std::string format = "json";
  std::optional<bool> pretty;
  bool meta_only = false;
  int fetch_max_bytes = 1 << 20;
  int fetch_max_partition_bytes = 1 << 20;
  std::string fetch_max_wait = "5s";
  bool read_committed = false;
  std::string rack;
};

// Formats records into a buffer and writes it out in large pieces.
class RecordSink {
 public:
  RecordSink(std::unique_ptr<RecordFormatter> formatter, bool pretty, bool meta_only)
      : formatter_(std::move(formatter)), pretty_(pretty), meta_only_(meta_only) {}

  // Returns false once stdout is closed.
  bool Add(rd_kafka_t* rk, const rd_kafka_message_t* msg) {
    bool headers = formatter_ == nullptr || formatter_->uses_headers();
    client::ToRecordView(msg, headers, &view_);
    if (formatter_ == nullptr) {
      AppendRecordJson(out_, view_, pretty_, meta_only_);
    } else if (formatter_->uses_partition()) {
      PartitionView part;
      rd_kafka_get_watermark_offsets(rk, view_.topic.data(), view_.partition,
                                     &part.log_start_offset, &part.high_watermark);
      part.last_stable_offset = part.high_watermark;
      formatter_->Append(out_, view_, &part);
    } else {
      formatter_->Append(out_, view_, nullptr);
    }
    return out_.size() < kOutputFlushBytes || Flush();
  }

  bool Flush() {
    if (out_.empty()) return open_;
    if (open_) open_ = WriteStdout(out_);
    out_.clear();
    return open_;
  }

 private:
  std::unique_ptr<RecordFormatter> formatter_;
  bool pretty_;
  bool meta_only_;
  RecordView view_;
  std::string out_;
  bool open_ = true;
};

// Tracks the exclusive end of each bounded partition; done once every partition reached it.
class EndTracker {
 public:
  explicit EndTracker(const std::vector<client::PartitionPlan>& plan) {
    for (const auto& p : plan) {
      if (p.end) ends_[p.tp] = *p.end;
    }
  }
  bool bounded() const { return bounded_; }
  void set_bounded(bool b) { bounded_ = b; }
  bool done() const { return bounded_ && ends_.empty(); }
  // False if the record lies past its partition's end (and should not be printed).
  bool Wanted(const client::TopicPartition& tp, int64_t offset) const {
    auto it = ends_.find(tp);
    return !bounded_ || (it != ends_.end() && offset < it->second);
  }
  // Marks the partition finished once `next` (the next offset to read) reaches its end.
  void Advance(rd_kafka_t* rk, const client::TopicPartition& tp, int64_t next) {
    auto it = ends_.find(tp);
    if (it == ends_.end() || next < it->second) return;
    ends_.erase(it);
    client::PartitionListPtr list = client::NewPartitionList(1);
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    rd_kafka_pause_partitions(rk, list.get());
  }

 private:
  std::map<client::TopicPartition, int64_t> ends_;
  bool bounded_ = false;
};

Result<KafkaProperties> ConsumerProperties(const ConsumeOptions& opts, bool bounded) {
  KafkaProperties props;
  auto wait = ParseDuration(opts.fetch_max_wait);
  if (!wait || wait->count() < 0) {
    return Err(Status::InvalidArgument("invalid --fetch-max-wait " + Quote(opts.fetch_max_wait)));
  }
  auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*wait).count();
  props.emplace_back("fetch.wait.max.ms", std::to_string(wait_ms));
  props.emplace_back("fetch.max.bytes", std::to_string(opts.fetch_max_bytes));
  props.emplace_back("max.partition.fetch.bytes", std::to_string(opts.fetch_max_partition_bytes));
  props.emplace_back("isolation.level",
                     opts.read_committed ? "read_committed" : "read_uncommitted");
  props.emplace_back("enable.partition.eof", bounded ? "true" : "false");
  props.emplace_back("allow.auto.create.topics", "false");
  // Fetch ahead generously: the consumer thread should never wait for the network.
  props.emplace_back("queued.min.messages", "1000000");
  props.emplace_back("queued.max.messages.kbytes", "1048576");
  if (!opts.rack.empty()) props.emplace_back("client.rack", opts.rack);
  if (opts.group.empty()) {
    props.emplace_back("group.id", "kpk-unused");  // librdkafka wants one; nothing is committed
    props.emplace_back("enable.auto.commit", "false");
    return props;
  }
  std::string strategy = opts.balancer;
  if (strategy == "sticky") strategy = "cooperative-sticky";  // librdkafka has no eager sticky
  if (strategy != "range" && strategy != "roundrobin" && strategy != "cooperative-sticky") {
    return Err(Status::InvalidArgument("unrecognized --balancer " + Quote(opts.balancer)));
  }
  props.emplace_back("group.id", opts.group);
  props.emplace_back("partition.assignment.strategy", strategy);
  props.emplace_back("enable.auto.commit", "true");
  props.emplace_back("enable.auto.offset.store", "false");  // commit only what was printed
  return props;
}

// Resolves topic arguments: regexes against the cluster's topics, or names that must exist.
Result<std::vector<std::string>> ResolveTopics(const ConsumeOptions& opts,
                                               const client::ClusterMetadata& md) {
  if (opts.regex) {
    std::vector<std::string> names;
    for (const client::TopicInfo& t : md.topics) {
      if (!t.internal) names.push_back(t.name);
    }
    return FilterByRegex(names, opts.topics);
  }
  for (const std::string& name : opts.topics) {
    const client::TopicInfo* t = md.FindTopic(name);
    if (t == nullptr || t->err) {
      auto err = t ? t->err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      return Err(Status::NotFound(fmt::format("unable to consume topic {}: {}: {}", Quote(name),
                                              client::ErrorName(err), client::ErrorText(err))));
    }
  }
  return opts.topics;
}

// Where a group member starts on partitions the group has no committed offset for, when -o
// says more than start or end (rpk passes any start through as franz-go's reset offset). One
// consume per process, and the rebalance callback's opaque belongs to the client: a global.
struct GroupStart {
  OffsetSpec spec;
  int timeout_ms = 0;
};
std::optional<GroupStart> g_group_start;

// The offset -o names for one partition, or RD_KAFKA_OFFSET_INVALID if it cannot be looked up
// (auto.offset.reset then decides).
int64_t GroupStartOffset(rd_kafka_t* rk, const rd_kafka_topic_partition_t& p,
                         const GroupStart& start) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, p.topic, p.partition, &low, &high, start.timeout_ms);
  if (err) return RD_KAFKA_OFFSET_INVALID;
  int64_t from_ts = -1;
  if (start.spec.from == OffsetSpec::From::kTimestamp) {
    client::PartitionListPtr one = client::NewPartitionList(1);
    rd_kafka_topic_partition_list_add(one.get(), p.topic, p.partition)->offset =
        start.spec.from_value;
    if (rd_kafka_offsets_for_times(rk, one.get(), start.timeout_ms) || one->elems[0].err) {
      return RD_KAFKA_OFFSET_INVALID;
    }
    from_ts = one->elems[0].offset;
  }
  return ResolveOffsetRange(start.spec, low, high, from_ts).start;
}

// Partitions the group has committed offsets for resume there; the others start where -o says.
void ApplyGroupStart(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* parts) {
  if (!g_group_start) return;
  rd_kafka_resp_err_t err = rd_kafka_committed(rk, parts, g_group_start->timeout_ms);
  if (err) {
    WriteStderr(
        fmt::format("warning: unable to fetch committed offsets, starting where "
                    "auto.offset.reset says: {}",
                    client::ErrorText(err)));
    return;
  }
  for (int i = 0; i < parts->cnt; ++i) {
    rd_kafka_topic_partition_t& p = parts->elems[i];
    if (p.offset < 0) p.offset = GroupStartOffset(rk, p, *g_group_start);
  }
}

// Applies rebalances the way the protocol in use wants them. librdkafka's built-in handling
// would do the same, except that with a cooperative protocol it then skips the LeaveGroup on
// close (2.0), leaving the group looking busy until the session times out.
void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                 void* /*opaque*/) {
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
  if (assign) ApplyGroupStart(rk, parts);
  if (cooperative) {
    client::ErrorPtr e(assign ? rd_kafka_incremental_assign(rk, parts)
                             : rd_kafka_incremental_unassign(rk, parts));
    if (e) WriteStderr(fmt::format("rebalance: {}", rd_kafka_error_string(e.get())));
  } else {
    rd_kafka_assign(rk, assign ? parts : nullptr);
  }
}

Status StartConsuming(client::Client& client, const ConsumeOptions& opts,
                      const std::vector<std::string>& topics,
                      const std::vector<client::PartitionPlan>& plan) {
  rd_kafka_poll_set_consumer(client.get());
  client::PartitionListPtr list = client::NewPartitionList(static_cast<int>(plan.size()));
  rd_kafka_resp_err_t err;
  if (opts.group.empty()) {
    for (const auto& p : plan) {
      rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition)->offset =
          p.start;
    }
    err = rd_kafka_assign(client.get(), list.get());
  } else {
    for (const std::string& t : topics) {
      rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    }
    err = rd_kafka_subscribe(client.get(), list.get());
  }
  if (err) return Status::IOError(client::ErrorText(err));
  return Status::OK();
}

// The consume loop. Returns the exit code.
int ConsumeLoop(client::Client& client, const ConsumeOptions& opts, RecordSink& sink,
                EndTracker& ends) {
  rd_kafka_t* rk = client.get();
  client::QueuePtr queue(rd_kafka_queue_get_consumer(rk));
  std::vector<rd_kafka_message_t*> batch(kBatchSize);
  int64_t printed = 0;
  bool group = !opts.group.empty();
  while (!StopRequested() && !ends.done()) {
    ssize_t n = 0;
    if (group) {
      // The group path polls one at a time so rebalances are served in between.
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m != nullptr) batch[n++] = m;
    } else {
      n = rd_kafka_consume_batch_queue(queue.get(), 100, batch.data(), batch.size());
    }
    bool stop = false;
    for (ssize_t i = 0; i < n; ++i) {
      client::MessagePtr msg(batch[i]);
      if (stop) continue;  // drop the rest of the batch
      const char* topic = msg->rkt ? rd_kafka_topic_name(msg->rkt) : "";
      client::TopicPartition tp{topic, msg->partition};
      if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        ends.Advance(rk, tp, msg->offset);
        continue;
      }
      if (msg->err) {
        WriteStderr(fmt::format("ERR: topic {} partition {}: {}", topic, msg->partition,
                                rd_kafka_message_errstr(msg.get())));
        continue;
      }
      if (!ends.Wanted(tp, msg->offset)) continue;
      if (!sink.Add(rk, msg.get())) return kExitOk;  // stdout closed: nobody is listening
      if (group) rd_kafka_offset_store(msg->rkt, msg->partition, msg->offset);
      ends.Advance(rk, tp, msg->offset + 1);
      if (opts.num > 0 && ++printed >= opts.num) stop = true;
    }
    if (!sink.Flush()) return kExitOk;
    if (stop) break;
  }
  return kExitOk;
}

int RunConsume(const ConsumeOptions& opts, const Context& ctx) {
  auto spec = ParseOffsetSpec(opts.offset, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  if (!spec)
    return UsageError(
        fmt::format("invalid --offset {}: {}", Quote(opts.offset), spec.error().message()));
  std::unique_ptr<RecordFormatter> formatter;
  if (opts.format != "json") {
    auto f = RecordFormatter::Parse(opts.format);
    if (!f) return UsageError("invalid --format: " + f.error().message());
    formatter = std::make_unique<RecordFormatter>(std::move(*f));
  }
  bool group = !opts.group.empty();
  if (group && !opts.partitions.empty()) {
    return UsageError("invalid flags: only one of --partitions and --group can be specified");
  }
  if (group && spec->HasEnd()) {
    return UsageError(
        "invalid flags: group consuming is not supported with consume-until-end offsets");
  }
  auto props = ConsumerProperties(opts, spec->HasEnd());
  if (!props) return UsageError(props.error().message());
  if (group) {
    props->emplace_back("auto.offset.reset",
                        spec->from == OffsetSpec::From::kEnd ? "latest" : "earliest");
  }
  client::ClientOptions client_opts{client::ClientKind::kConsumer, *props, [](rd_kafka_conf_t* c) {
                                     rd_kafka_conf_set_rebalance_cb(c, OnRebalance);
                                   }};
  std::optional<client::Client> client = OpenClient(ctx, client_opts);
  if (!client) return kExitFailure;
  // Set before the first poll, which is where rebalances run.
  const bool plain_start = spec->from_value == 0 && (spec->from == OffsetSpec::From::kStart ||
                                                     spec->from == OffsetSpec::From::kEnd);
  if (group && !plain_start) {
    g_group_start = GroupStart{*spec, static_cast<int>(client->timeout().count())};
  }

  Result<client::ClusterMetadata> md = client->Metadata();
  if (!md) return Fail("request metadata", md.error());
  auto topics = ResolveTopics(opts, *md);
  if (!topics) {
    if (topics.error().code() == Status::Code::kNotFound) {
      WriteStderr(Colorize(topics.error().message(), Color::kRed, stderr));
      return kExitFailure;
    }
    return UsageError(topics.error().message());
  }
  if (topics->empty()) {
    WriteStderr("did not match any topics, exiting.");
    return kExitOk;
  }
  std::vector<client::PartitionPlan> plan;
  if (!group) {
    auto planned = client::PlanConsume(*client, *md, *topics, opts.partitions, *spec);
    if (!planned) return Fail("consume", planned.error());
    plan = std::move(*planned);
    if (plan.empty() && spec->HasEnd()) return kExitOk;  // nothing in range
  }
  EndTracker ends(plan);
  ends.set_bounded(spec->HasEnd());
  bool pretty = opts.pretty.value_or(IsTerminal(stdout));
  RecordSink sink(std::move(formatter), pretty, opts.meta_only);
  InstallStopSignals();
  if (Status s = StartConsuming(*client, opts, *topics, plan); !s.ok()) return Fail("consume", s);
  int code = ConsumeLoop(*client, opts, sink, ends);
  sink.Flush();
  // Closing commits what was printed (auto commit) and leaves the group. An explicit commit
  // first would race the cooperative unassign, and librdkafka 2.0 then skips the LeaveGroup.
  if (group) rd_kafka_consumer_close(client->get());
  return code;
}

}  // namespace

void RegisterTopicConsume(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<ConsumeOptions>();
  CLI::App* cmd = topic->add_subcommand("consume", "Consume records from topics");
  cmd->footer(
      "Offsets (-o): start, end, +N (after start), -N (before end), N, N:M, :end, N:end,\n"
      "@t, @t1:t2, @:t where t is unix ms (13 digits), unix s (10 digits), YYYY-MM-DD,\n"
      "RFC3339 ...Z, end (for t2) or a duration (-1h, 30m). Ends are exclusive; bounded\n"
      "offsets and -n exit as soon as the last record is printed.\n"
      "Format (-f): json (rpk's record JSON) or verbs: %t %k %v %h{%k=%v} %H %p %o %e %d\n"
      "%T %K %V %a{compression} %[ %| %] %i, with modifiers such as %v{hex} %k{base64}\n"
      "%d{go[2006-01-02T15:04:05Z07:00]} %d{strftime[%F]} %V{big32} %v{unpack[>I]}.");
  cmd->add_option("topics", opts->topics, "Topics to consume (expressions with -r)")->required();
  cmd->add_option("-o,--offset", opts->offset, "Offset to consume from / to")->default_val("start");
  cmd->add_option("-p,--partitions", opts->partitions, "Partitions to consume (comma separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("-r,--regex", opts->regex, "Parse topics as regular expressions");
  cmd->add_option("-n,--num", opts->num, "Quit after this many records (0 = unbounded)");
  cmd->add_option("-g,--group", opts->group, "Consume in this group (incompatible with -p)");
  cmd->add_option("-b,--balancer", opts->balancer,
                  "Group balancer: range, roundrobin, sticky, cooperative-sticky")
      ->default_val("cooperative-sticky");
  cmd->add_option("-f,--format", opts->format, "Output format: json or format verbs")
      ->default_val("json");
  cmd->add_option("--pretty-print", opts->pretty,
                  "Pretty print JSON records (default: only on a terminal)");
  cmd->add_flag("--meta-only", opts->meta_only, "Print record metadata without the value (json)");
  cmd->add_option("--fetch-max-bytes", opts->fetch_max_bytes, "Maximum bytes per fetch")
      ->default_val(1 << 20);
  cmd->add_option("--fetch-max-partition-bytes", opts->fetch_max_partition_bytes,
                  "Maximum bytes per partition per fetch")
      ->default_val(1 << 20);
  cmd->add_option("--fetch-max-wait", opts->fetch_max_wait,
                  "Longest a broker may wait before answering a fetch")
      ->default_val("5s");
  cmd->add_flag("--read-committed", opts->read_committed, "Read only committed records");
  cmd->add_option("--rack", opts->rack, "Rack to consume from (follower fetching)");
  OnRun(cmd, ctx, [opts, &ctx] { return RunConsume(*opts, ctx); });
}

}  // namespace kpk::cli::commands::topic
