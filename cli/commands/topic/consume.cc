// kpk topic consume: prints records of topics to stdout, as rpk's JSON record by default or
// with rpk's -f format verbs. Bounded offsets (-o :end, N:M, @t1:t2) and -n end the command
// as soon as the last wanted record is printed; Ctrl-C, SIGTERM and a closed stdout end it
// cleanly.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <fmt/core.h>

#include "cli/client/consumer.h"
#include "cli/client/partition_details.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/duration.h"
#include "cli/format/name_filter.h"
#include "cli/format/offset_spec.h"
#include "cli/format/record_formatter.h"
#include "cli/format/record_json.h"
#include "cli/format/text.h"
#include "cli/runtime.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

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
  bool Add(const client::Consumer& consumer, const client::Message& msg) {
    msg.ToView(formatter_ == nullptr || formatter_->uses_headers(), &view_);
    if (formatter_ == nullptr) {
      AppendRecordJson(out_, view_, pretty_, meta_only_);
    } else if (formatter_->uses_partition()) {
      client::Watermarks marks = consumer.CachedWatermarks(msg);
      PartitionView part{marks.start, marks.end, marks.end};  // no LSO: the high watermark
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
  // Stops waiting for a partition that cannot be read.
  void Drop(const client::TopicPartition& tp) { ends_.erase(tp); }
  // Marks the partition finished once `next` (the next offset to read) reaches its end.
  void Advance(client::Consumer& consumer, const client::TopicPartition& tp, int64_t next) {
    auto it = ends_.find(tp);
    if (it == ends_.end() || next < it->second) return;
    ends_.erase(it);
    consumer.Pause(tp);
  }

 private:
  std::map<client::TopicPartition, int64_t> ends_;
  bool bounded_ = false;
};

// Partitions the cluster reports without a leader (Kafka's offline partitions). librdkafka
// waits for a leader without a word, so a consume of one would wait forever: each is reported
// in rpk's form for a partition's error, left out, and the command exits 1 at the end.
class OfflinePartitions {
 public:
  // Reports the partitions of `topics` that have no leader and that `wanted` names.
  template <typename Wanted>
  void Check(const client::ClusterMetadata& md, const std::vector<std::string>& topics,
             const Wanted& wanted) {
    for (const std::string& name : topics) {
      const client::TopicInfo* t = md.FindTopic(name);
      if (t == nullptr) continue;
      for (const client::PartitionInfo& p : t->partitions) {
        client::TopicPartition tp{name, p.id};
        if (p.leader < 0 && wanted(tp)) Report(tp, p.err);
      }
    }
  }
  bool Contains(const client::TopicPartition& tp) const { return offline_.contains(tp); }
  bool any() const { return !offline_.empty(); }
  // `only` without the offline partitions of `topics`; empty when every one is offline.
  std::vector<int32_t> Remaining(const client::ClusterMetadata& md,
                                 const std::vector<std::string>& topics,
                                 const std::vector<int32_t>& only) const {
    std::vector<int32_t> left;
    for (int32_t p : only) {
      bool offline = true;
      for (const std::string& name : topics) {
        offline = offline && md.FindTopic(name) != nullptr && offline_.contains({name, p});
      }
      if (!offline) left.push_back(p);
    }
    return left;
  }
  // `md` with the offline partitions taken out, for planning the rest.
  client::ClusterMetadata Without(client::ClusterMetadata md) const {
    for (client::TopicInfo& t : md.topics) {
      std::erase_if(t.partitions, [&](const client::PartitionInfo& p) {
        return Contains({t.name, p.id});
      });
    }
    return md;
  }

 private:
  void Report(const client::TopicPartition& tp, rd_kafka_resp_err_t err) {
    if (!offline_.insert(tp).second) return;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
    WriteStderr(fmt::format("ERR: topic {} partition {}: {}: {}", tp.topic, tp.partition,
                            client::ErrorName(err), client::ErrorText(err)));
  }

  std::set<client::TopicPartition> offline_;
};

// How often a consume of assigned partitions asks whether one went offline meanwhile (a read
// found its data corrupt): librdkafka only retries such a partition, silently.
constexpr auto kOfflineCheckInterval = std::chrono::seconds(1);

// The flags as consumer settings; an error is a usage error.
Result<client::ConsumerSettings> SettingsFrom(const ConsumeOptions& opts, const OffsetSpec& spec) {
  client::ConsumerSettings settings;
  auto wait = ParseDuration(opts.fetch_max_wait);
  if (!wait || wait->count() < 0) {
    return Err(Status::InvalidArgument("invalid --fetch-max-wait " + Quote(opts.fetch_max_wait)));
  }
  settings.fetch_max_wait = std::chrono::duration_cast<std::chrono::milliseconds>(*wait);
  settings.fetch_max_bytes = opts.fetch_max_bytes;
  settings.fetch_max_partition_bytes = opts.fetch_max_partition_bytes;
  settings.isolation = opts.read_committed ? client::IsolationLevel::kReadCommitted
                                           : client::IsolationLevel::kReadUncommitted;
  settings.report_partition_eof = spec.HasEnd();
  settings.rack = opts.rack;
  if (opts.group.empty()) return settings;
  auto balancer = client::ParseBalancer(opts.balancer);
  if (!balancer)
    return Err(Status::InvalidArgument("unrecognized --balancer " + Quote(opts.balancer)));
  client::GroupSettings& group = settings.group.emplace();
  group.id = opts.group;
  group.balancer = *balancer;
  group.reset = spec.from == OffsetSpec::From::kEnd ? client::OffsetReset::kLatest
                                                    : client::OffsetReset::kEarliest;
  // rpk passes any start through as franz-go's reset offset; plain start and end need no
  // lookup.
  const bool plain_start = spec.from_value == 0 && (spec.from == OffsetSpec::From::kStart ||
                                                    spec.from == OffsetSpec::From::kEnd);
  if (!plain_start) group.start = spec;
  return settings;
}

// Resolves topic arguments: regexes against the cluster's topics, or names that must exist.
Result<std::vector<std::string>> ResolveTopics(const ConsumeOptions& opts,
                                               const client::Client& client,
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
      auto err = client::AbsentTopicError(client, md, name);
      return Err(Status::NotFound(fmt::format("unable to consume topic {}: {}: {}", Quote(name),
                                              client::ErrorName(err), client::ErrorText(err))));
    }
  }
  return opts.topics;
}

// Assigned partitions that went offline since the last look: reported, paused, and no longer
// waited for. Returns false when nothing is left to consume.
bool DropOffline(client::Consumer& consumer, const std::vector<std::string>& topics,
                 std::set<client::TopicPartition>& assigned, OfflinePartitions& offline,
                 EndTracker& ends) {
  auto md = consumer.client().Metadata();
  if (!md) return true;  // a transient failure; librdkafka keeps fetching what it can
  offline.Check(*md, topics,
                [&](const client::TopicPartition& tp) { return assigned.contains(tp); });
  for (auto it = assigned.begin(); it != assigned.end();) {
    if (!offline.Contains(*it)) {
      ++it;
      continue;
    }
    consumer.Pause(*it);
    ends.Drop(*it);
    it = assigned.erase(it);
  }
  return !assigned.empty();
}

// A group member does not choose its partitions: offline ones of its topics are reported (once
// each) and the group's assignment is left as it is.
void ReportOffline(client::Consumer& consumer, const std::vector<std::string>& topics,
                   OfflinePartitions& offline) {
  auto md = consumer.client().Metadata();
  if (md) offline.Check(*md, topics, [](const client::TopicPartition&) { return true; });
}

// The consume loop. Returns the exit code.
int ConsumeLoop(client::Consumer& consumer, const ConsumeOptions& opts, RecordSink& sink,
                EndTracker& ends, const std::vector<std::string>& topics,
                const std::vector<client::PartitionPlan>& plan, OfflinePartitions& offline) {
  int64_t printed = 0;
  const bool group = !opts.group.empty();
  std::set<client::TopicPartition> assigned;
  for (const auto& p : plan) assigned.insert(p.tp);
  auto next_check = std::chrono::steady_clock::now() + kOfflineCheckInterval;
  while (!StopRequested() && !ends.done()) {
    if (std::chrono::steady_clock::now() >= next_check) {
      if (group) {
        ReportOffline(consumer, topics, offline);
      } else if (!DropOffline(consumer, topics, assigned, offline, ends)) {
        break;
      }
      next_check = std::chrono::steady_clock::now() + kOfflineCheckInterval;
    }
    for (const client::Message& msg : consumer.Poll(std::chrono::milliseconds(100))) {
      client::TopicPartition tp{std::string(msg.topic()), msg.partition()};
      if (msg.partition_eof()) {
        ends.Advance(consumer, tp, msg.offset());
        continue;
      }
      if (msg.failed()) {
        WriteStderr(fmt::format("ERR: topic {} partition {}: {}", msg.topic(), msg.partition(),
                                msg.error()));
        continue;
      }
      if (!ends.Wanted(tp, msg.offset())) continue;
      if (!sink.Add(consumer, msg)) return kExitOk;  // stdout closed: nobody is listening
      if (group) consumer.Store(msg);
      ends.Advance(consumer, tp, msg.offset() + 1);
      if (opts.num > 0 && ++printed >= opts.num) return kExitOk;  // the rest is dropped
    }
    if (!sink.Flush()) return kExitOk;
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
  auto settings = SettingsFrom(opts, *spec);
  if (!settings) return UsageError(settings.error().message());
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) return Fail("load config", loaded.error());
  auto consumer = client::Consumer::Open(loaded->connection, *settings);
  if (!consumer) return Fail("initialize kafka client", consumer.error());
  client::Client& client = consumer->client();

  Result<client::ClusterMetadata> md = client.Metadata();
  if (!md) return Fail("request metadata", md.error());
  auto topics = ResolveTopics(opts, client, *md);
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
  OfflinePartitions offline;
  if (group) offline.Check(*md, *topics, [](const client::TopicPartition&) { return true; });
  if (!group) {
    const auto& only = opts.partitions;
    offline.Check(*md, *topics, [&](const client::TopicPartition& tp) {
      return only.empty() || std::find(only.begin(), only.end(), tp.partition) != only.end();
    });
    const std::vector<int32_t> partitions = offline.Remaining(*md, *topics, opts.partitions);
    if (offline.any() && !opts.partitions.empty() && partitions.empty()) return kExitFailure;
    auto planned = client::PlanConsume(client, offline.Without(*md), *topics, partitions, *spec);
    if (!planned) return Fail("consume", planned.error());
    plan = std::move(*planned);
    const int done = offline.any() ? kExitFailure : kExitOk;
    if (plan.empty() && (spec->HasEnd() || offline.any())) return done;  // nothing to read
  }
  EndTracker ends(plan);
  ends.set_bounded(spec->HasEnd());
  bool pretty = opts.pretty.value_or(IsTerminal(stdout));
  RecordSink sink(std::move(formatter), pretty, opts.meta_only);
  InstallStopSignals();
  Status started = group ? consumer->Subscribe(*topics) : consumer->Assign(plan);
  if (!started.ok()) return Fail("consume", started);
  int code = ConsumeLoop(*consumer, opts, sink, ends, *topics, plan, offline);
  sink.Flush();
  consumer->Close();  // commits what was printed and leaves the group
  return offline.any() ? kExitFailure : code;
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

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
