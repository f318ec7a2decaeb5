// kpk_kafka_load: one librdkafka-based load generator for the broker benchmark
// (tests/bench/run_broker_bench.py). The same binary and the same settings run against
// `kpk broker run` and against librdkafka's mock cluster, so the two figures differ only by the
// server.
//
//   kpk_kafka_load MODE --bootstrap HOST:PORT --topic NAME [options] [-X key=value]...
//
// Modes:
//   create-topic     CreateTopics (admin API) with --partitions, then waits for its metadata
//   produce          --count records of --size bytes round-robin over --partitions; --acks,
//                    --linger-ms; reports records/s, MB/s and delivery errors
//   consume          reads every partition from its start (or its last --tail-records) to
//                    its high watermark, --passes times (explicit assignment, no group);
//                    reports records/s and MB/s
//   group-consume    --consumers clients (one thread and one rd_kafka_t each) with one group.id
//                    subscribe to the topic and read every partition from its start (or its
//                    last --tail-records) to the high watermark seen at the start, which must
//                    hold --count records; --passes times, each with a new group. Timed from the
//                    first record to the last, once the group is stable (see GroupConsume)
//   e2e-latency      a producer at --rate msg/s stamps the send time into each payload while a
//                    consumer with the default fetch.wait.max.ms (500) measures arrival
//   produce-latency  acks=all, linger 0, --rate msg/s: per-record delivery latency
//   crash-produce    acks=all producer at --rate for --duration-s; appends every acknowledged
//                    key with its partition and offset to --acked-file (the driver SIGKILLs
//                    and restarts the broker meanwhile)
//   crash-verify     reads every partition to its high watermark and checks that each key in
//                    --acked-file is there exactly once, at the offset it was acknowledged with
//
// Prints one JSON object on stdout; progress and librdkafka errors go to stderr. Every loop is
// bounded by a count and by --timeout-s. Exit code 0 on success, 1 on failure (including a
// timeout or, for crash-verify, any violation), 2 on a usage error.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string mode;
  std::string bootstrap;
  std::string topic;
  int partitions = 1;
  int64_t count = 100000;
  int size = 100;
  std::string acks = "all";
  int linger_ms = 5;
  int rate = 1000;
  double duration_s = 10;
  double timeout_s = 120;
  double warmup_s = 1.0;
  int passes = 1;
  int64_t tail_records = 0;
  std::string acked_file;
  bool idempotent = false;
  bool count_given = false;
  int consumers = 3;
  std::vector<std::pair<std::string, std::string>> extra;  // -X key=value
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "kpk_kafka_load: %s\n"
               "usage: kpk_kafka_load create-topic|produce|consume|group-consume|e2e-latency|"
               "produce-latency|crash-produce|crash-verify --bootstrap HOST:PORT --topic NAME\n"
               "         [--partitions N] [--count N] [--size BYTES] [--acks all|1|0]\n"
               "         [--linger-ms MS] [--rate MSG_PER_S] [--duration-s S] [--timeout-s S]\n"
               "         [--warmup-s S] [--passes N] [--tail-records N] [--acked-file PATH]\n"
               "         [--consumers N] [--idempotent] [-X key=value]...\n",
               why.c_str());
  std::exit(2);
}

double ParseNumber(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value) || value < 0) {
    Usage(flag + " takes a non-negative number");
  }
  return value;
}

Options ParseArgs(int argc, char** argv) {
  if (argc < 2) Usage("missing mode");
  Options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--idempotent") {
      o.idempotent = true;
      continue;
    }
    if (i + 1 >= argc) Usage("missing value for " + flag);
    std::string value = argv[++i];
    if (flag == "--bootstrap") {
      o.bootstrap = value;
    } else if (flag == "--topic") {
      o.topic = value;
    } else if (flag == "--partitions") {
      o.partitions = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--count") {
      o.count = static_cast<int64_t>(ParseNumber(value, flag));
      o.count_given = true;
    } else if (flag == "--size") {
      o.size = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--acks") {
      o.acks = value;
    } else if (flag == "--linger-ms") {
      o.linger_ms = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--rate") {
      o.rate = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--duration-s") {
      o.duration_s = ParseNumber(value, flag);
    } else if (flag == "--timeout-s") {
      o.timeout_s = ParseNumber(value, flag);
    } else if (flag == "--warmup-s") {
      o.warmup_s = ParseNumber(value, flag);
    } else if (flag == "--passes") {
      o.passes = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--tail-records") {
      o.tail_records = static_cast<int64_t>(ParseNumber(value, flag));
    } else if (flag == "--consumers") {
      o.consumers = static_cast<int>(ParseNumber(value, flag));
    } else if (flag == "--acked-file") {
      o.acked_file = value;
    } else if (flag == "-X") {
      size_t eq = value.find('=');
      if (eq == std::string::npos) Usage("-X takes key=value");
      o.extra.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      Usage("unknown option " + flag);
    }
  }
  if (o.bootstrap.empty()) Usage("--bootstrap is required");
  if (o.topic.empty()) Usage("--topic is required");
  if (o.partitions < 1) Usage("--partitions must be at least 1");
  if (o.rate < 1) Usage("--rate must be at least 1");
  if (o.consumers < 1 || o.consumers > 64) Usage("--consumers must be 1 to 64");
  if (o.size < 16) Usage("--size must be at least 16 (the payload carries a timestamp)");
  return o;
}

[[noreturn]] void Fail(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::fputs("kpk_kafka_load: ", stderr);
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
  va_end(args);
  std::exit(1);
}

// A deadline every loop checks, so no mode can hang the benchmark.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : at_(Clock::now() + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6))) {}
  bool Passed() const { return Clock::now() >= at_; }
  int RemainingMs() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now()).count();
    return static_cast<int>(std::max<int64_t>(left, 0));
  }

 private:
  Clock::time_point at_;
};

// Owning handles: librdkafka's C API, released in the right order.
struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

void Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    Fail("cannot set %s=%s: %s", key.c_str(), value.c_str(), errstr);
  }
}

rd_kafka_conf_t* BaseConf(const Options& o) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", o.bootstrap);
  Set(conf, "client.id", "kpk_kafka_load");
  // Errors only; a broker restart in the crash test would otherwise flood stderr.
  Set(conf, "log_level", "3");
  return conf;
}

KafkaPtr NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, const Options& o) {
  for (const auto& [key, value] : o.extra) Set(conf, key, value);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) Fail("cannot create client: %s", errstr);
  return KafkaPtr(rk);
}

// Waits until the topic's metadata names `partitions` partitions, each with a leader. This
// also opens the connection, so the timed part of a mode starts with a warm client.
void WaitForTopic(rd_kafka_t* rk, const Options& o, const Deadline& deadline) {
  TopicPtr rkt(rd_kafka_topic_new(rk, o.topic.c_str(), nullptr));
  std::string last = "no answer";
  while (!deadline.Passed()) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, rkt.get(), &md, std::min(deadline.RemainingMs(), 2000) + 1);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      bool ok = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                md->topics[0].partition_cnt == o.partitions;
      for (int i = 0; ok && i < md->topics[0].partition_cnt; ++i) {
        ok = md->topics[0].partitions[i].leader >= 0;
      }
      if (!ok && md->topic_cnt == 1) {
        last = std::string("topic error ") + rd_kafka_err2name(md->topics[0].err) + ", " +
               std::to_string(md->topics[0].partition_cnt) + " partitions";
      }
      rd_kafka_metadata_destroy(md);
      if (ok) return;
    } else {
      last = rd_kafka_err2str(err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Fail("topic %s with %d partitions not ready: %s", o.topic.c_str(), o.partitions, last.c_str());
}

// Nearest-rank percentiles of latencies in microseconds.
struct Summary {
  size_t n = 0;
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
};

Summary Summarize(std::vector<int64_t> ns) {
  Summary s;
  s.n = ns.size();
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(ns.size())));
    return static_cast<double>(ns[std::clamp<size_t>(i, 1, ns.size()) - 1]) / 1e3;
  };
  s.p50_us = rank(0.50);
  s.p99_us = rank(0.99);
  s.max_us = static_cast<double>(ns.back()) / 1e3;
  double sum = 0;
  for (int64_t v : ns) sum += static_cast<double>(v);
  s.mean_us = sum / static_cast<double>(ns.size()) / 1e3;
  return s;
}

std::string SummaryJson(const Summary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\"samples\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f",
                s.n, s.p50_us, s.p99_us, s.max_us, s.mean_us);
  return buf;
}

// A payload that does not compress to nothing, in case a client enables compression.
std::vector<char> MakePayload(int size) {
  std::vector<char> payload(static_cast<size_t>(size));
  uint32_t x = 2463534242u;
  for (char& c : payload) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>('a' + x % 26);
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// create-topic

int CreateTopic(const Options& o) {
  Deadline deadline(o.timeout_s);
  KafkaPtr rk = NewClient(RD_KAFKA_PRODUCER, BaseConf(o), o);
  char errstr[512];
  rd_kafka_NewTopic_t* nt =
      rd_kafka_NewTopic_new(o.topic.c_str(), o.partitions, 1, errstr, sizeof errstr);
  if (nt == nullptr) Fail("bad topic: %s", errstr);
  QueuePtr queue(rd_kafka_queue_new(rk.get()));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_ANY);
  rd_kafka_AdminOptions_set_request_timeout(options, deadline.RemainingMs(), errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk.get(), &nt, 1, options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), deadline.RemainingMs() + 1);
  if (ev == nullptr) Fail("CreateTopics timed out");
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string why = rd_kafka_event_error_string(ev);
    rd_kafka_event_destroy(ev);
    Fail("CreateTopics failed: %s", why.c_str());
  }
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      std::string why = rd_kafka_err2str(err);
      rd_kafka_event_destroy(ev);
      Fail("cannot create %s: %s", o.topic.c_str(), why.c_str());
    }
  }
  rd_kafka_event_destroy(ev);
  WaitForTopic(rk.get(), o, deadline);
  std::printf("{\"mode\":\"create-topic\",\"topic\":\"%s\",\"partitions\":%d}\n", o.topic.c_str(),
              o.partitions);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// produce

struct ProduceCounters {
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> last_delivery_ns{0};
  std::string first_error;  // written once, by the polling thread
};

void OnProduceDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* c = static_cast<ProduceCounters*>(opaque);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (c->failed.fetch_add(1) == 0) c->first_error = rd_kafka_err2str(msg->err);
  } else {
    c->delivered.fetch_add(1);
  }
  c->last_delivery_ns.store(NowNs());
}

rd_kafka_conf_t* ProducerConf(const Options& o, int linger_ms) {
  rd_kafka_conf_t* conf = BaseConf(o);
  Set(conf, "acks", o.acks);
  Set(conf, "linger.ms", std::to_string(linger_ms));
  if (o.idempotent) Set(conf, "enable.idempotence", "true");
  return conf;
}

int Produce(const Options& o) {
  Deadline deadline(o.timeout_s);
  ProduceCounters counters;
  rd_kafka_conf_t* conf = ProducerConf(o, o.linger_ms);
  rd_kafka_conf_set_dr_msg_cb(conf, OnProduceDelivery);
  rd_kafka_conf_set_opaque(conf, &counters);
  KafkaPtr rk = NewClient(RD_KAFKA_PRODUCER, conf, o);
  WaitForTopic(rk.get(), o, deadline);
  TopicPtr rkt(rd_kafka_topic_new(rk.get(), o.topic.c_str(), nullptr));
  // One shared, never-copied payload (flag 0): the client spends its CPU on the protocol, not
  // on memcpy, which leaves more of the two cores to the server being measured.
  std::vector<char> payload = MakePayload(o.size);

  const int64_t start_ns = NowNs();
  int64_t produced = 0;
  for (int64_t i = 0; i < o.count && !deadline.Passed(); ++i) {
    const int32_t partition = static_cast<int32_t>(i % o.partitions);
    while (rd_kafka_produce(rkt.get(), partition, 0, payload.data(), payload.size(), nullptr, 0,
                            nullptr) == -1) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        Fail("produce failed: %s", rd_kafka_err2str(rd_kafka_last_error()));
      }
      rd_kafka_poll(rk.get(), 1);
      if (deadline.Passed()) break;
    }
    ++produced;
    if ((i & 1023) == 0) rd_kafka_poll(rk.get(), 0);
  }
  while (counters.delivered.load() + counters.failed.load() < produced && !deadline.Passed()) {
    rd_kafka_poll(rk.get(), 10);
  }
  const int64_t done = counters.delivered.load() + counters.failed.load();
  const double seconds = static_cast<double>(counters.last_delivery_ns.load() - start_ns) / 1e9;
  const double bytes = static_cast<double>(counters.delivered.load()) * o.size;
  std::printf(
      "{\"mode\":\"produce\",\"records\":%" PRId64 ",\"delivered\":%" PRId64 ",\"failed\":%" PRId64
      ",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,\"first_error\":\"%s\"}\n",
      produced, counters.delivered.load(), counters.failed.load(), seconds,
      static_cast<double>(counters.delivered.load()) / seconds, bytes / seconds / 1e6,
      counters.first_error.c_str());
  if (done < o.count) Fail("timed out: %" PRId64 " of %" PRId64 " delivered", done, o.count);
  return counters.failed.load() == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// consume

// A consumer with every partition explicitly assigned into one queue. It uses the simple
// (group-less) consumer so it needs nothing but Metadata, ListOffsets and Fetch.
class AssignedConsumer {
 public:
  AssignedConsumer(const Options& o, const Deadline& deadline) : o_(o) {
    rd_kafka_conf_t* conf = BaseConf(o);
    rk_ = NewClient(RD_KAFKA_CONSUMER, conf, o);
    WaitForTopic(rk_.get(), o, deadline);
    rkt_.reset(rd_kafka_topic_new(rk_.get(), o.topic.c_str(), nullptr));
    queue_.reset(rd_kafka_queue_new(rk_.get()));
  }
  ~AssignedConsumer() { Stop(); }

  // Starts every partition at `offsets[p]` (or a logical offset for all).
  void Start(const std::vector<int64_t>& offsets) {
    for (int p = 0; p < o_.partitions; ++p) {
      if (rd_kafka_consume_start_queue(rkt_.get(), p, offsets[static_cast<size_t>(p)],
                                       queue_.get()) == -1) {
        Fail("cannot start consuming partition %d: %s", p, rd_kafka_err2str(rd_kafka_last_error()));
      }
    }
    started_ = true;
  }
  void Start(int64_t logical) {
    Start(std::vector<int64_t>(static_cast<size_t>(o_.partitions), logical));
  }
  void Stop() {
    if (!started_) return;
    for (int p = 0; p < o_.partitions; ++p) rd_kafka_consume_stop(rkt_.get(), p);
    started_ = false;
  }

  // Up to `max` messages, waiting at most timeout_ms for the first. Caller destroys them.
  size_t Poll(rd_kafka_message_t** out, size_t max, int timeout_ms) {
    // One message at a time: rd_kafka_consume_batch_queue() adds nothing here.
    size_t n = 0;
    while (n < max) {
      rd_kafka_message_t* m = rd_kafka_consume_queue(queue_.get(), n == 0 ? timeout_ms : 0);
      if (m == nullptr) break;
      out[n++] = m;
    }
    return n;
  }

  // Low and high watermarks of every partition, from the server.
  void Watermarks(std::vector<int64_t>& low, std::vector<int64_t>& high, const Deadline& deadline) {
    low.assign(static_cast<size_t>(o_.partitions), 0);
    high.assign(static_cast<size_t>(o_.partitions), 0);
    for (int p = 0; p < o_.partitions; ++p) {
      const auto i = static_cast<size_t>(p);
      rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
          rk_.get(), o_.topic.c_str(), p, &low[i], &high[i], std::max(deadline.RemainingMs(), 1));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        Fail("cannot read the watermarks of partition %d: %s", p, rd_kafka_err2str(err));
      }
    }
  }

 private:
  const Options& o_;
  KafkaPtr rk_;
  TopicPtr rkt_;
  QueuePtr queue_;
  bool started_ = false;
};

// Reads [start, high) of every partition `passes` times and times only the reading.
// --tail-records M reads only the last M records of each partition: librdkafka's mock cluster
// keeps just the newest 5 MiB of each partition, so a comparable read must stay within that.
//
// Every pass uses a new client. One client cannot read the same range twice back to back at
// full speed: after the first pass its next Fetch (one in flight per connection) sits at the
// log end for fetch.wait.max.ms, and the second pass would time that wait, not the server.
int Consume(const Options& o) {
  Deadline deadline(o.timeout_s);
  std::vector<int64_t> start(static_cast<size_t>(o.partitions));
  int64_t per_pass = 0;
  {
    AssignedConsumer probe(o, deadline);
    std::vector<int64_t> low, high;
    probe.Watermarks(low, high, deadline);
    for (size_t p = 0; p < start.size(); ++p) {
      start[p] = o.tail_records > 0 ? std::max(low[p], high[p] - o.tail_records) : low[p];
      per_pass += high[p] - start[p];
    }
  }
  if (per_pass == 0) Fail("nothing to consume in %s", o.topic.c_str());

  int64_t timed_ns = 0;
  int64_t records = 0, bytes = 0, errors = 0;
  std::string first_error;
  std::vector<rd_kafka_message_t*> batch(10000);
  int passes = 0;
  for (; passes < o.passes && !deadline.Passed(); ++passes) {
    AssignedConsumer consumer(o, deadline);  // connected and with metadata: untimed
    const int64_t pass_start = NowNs();
    consumer.Start(start);
    int64_t got = 0;
    while (got < per_pass && !deadline.Passed()) {
      size_t n = consumer.Poll(batch.data(), batch.size(), 100);
      for (size_t i = 0; i < n; ++i) {
        if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          ++got;
          bytes += static_cast<int64_t>(batch[i]->len);
        } else if (batch[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          if (errors++ == 0) first_error = rd_kafka_message_errstr(batch[i]);
        }
        rd_kafka_message_destroy(batch[i]);
      }
    }
    timed_ns += NowNs() - pass_start;
    records += got;
    if (got < per_pass) break;
  }
  const double seconds = static_cast<double>(timed_ns) / 1e9;
  std::printf("{\"mode\":\"consume\",\"passes\":%d,\"records_per_pass\":%" PRId64
              ",\"records\":%" PRId64 ",\"bytes\":%" PRId64 ",\"errors\":%" PRId64
              ",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,"
              "\"first_error\":\"%s\"}\n",
              passes, per_pass, records, bytes, errors, seconds,
              static_cast<double>(records) / seconds, static_cast<double>(bytes) / seconds / 1e6,
              first_error.c_str());
  if (records < per_pass * o.passes) {
    Fail("timed out: %" PRId64 " of %" PRId64 " consumed", records, per_pass * o.passes);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// group-consume

// What the members of one pass share. Progress is per partition, not per member, so a partition
// that moves to another member in a rebalance resumes where its last owner stopped.
struct GroupPass {
  explicit GroupPass(int partitions)
      : next(std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(partitions))),
        assigned(0) {}
  std::vector<int64_t> start, high;              // per partition: [start, high) is read
  std::unique_ptr<std::atomic<int64_t>[]> next;  // per partition: next offset not yet counted
  std::atomic<int> complete{0};                  // partitions read up to `high`
  std::atomic<bool> go{false};
  std::atomic<int64_t> first_ns{0}, last_ns{0};
  std::atomic<int64_t> rebalances_after_go{0};
  std::mutex mu;
  std::vector<std::vector<int32_t>> assigned;  // guarded by mu: per member, what it holds now
  std::string protocol;                        // guarded by mu: EAGER or COOPERATIVE
};

struct GroupMember {
  GroupPass* pass = nullptr;
  int index = 0;
  int partitions = 0;
  int64_t records = 0, bytes = 0, duplicates = 0, errors = 0, before_go = 0;
  std::string first_error;
};

// Assigns at the pass's own offsets (never a committed or reset offset), and keeps what it is
// given paused until every member holds its share: the timed part is the stable group reading.
void OnGroupRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* m = static_cast<GroupMember*>(opaque);
  GroupPass& pass = *m->pass;
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
  const bool go = pass.go.load();
  // Counts rebalances that interrupt the reading (not the revocation when a member closes).
  if (go && pass.complete.load() < m->partitions) pass.rebalances_after_go.fetch_add(1);
  if (assign) {
    for (int i = 0; i < parts->cnt; ++i) {
      const int32_t p = parts->elems[i].partition;
      if (p >= 0 && p < m->partitions) parts->elems[i].offset = pass.next[p].load();
    }
  }
  if (cooperative) {
    rd_kafka_error_t* e =
        assign ? rd_kafka_incremental_assign(rk, parts) : rd_kafka_incremental_unassign(rk, parts);
    if (e != nullptr) {
      std::fprintf(stderr, "kpk_kafka_load: member %d: rebalance: %s\n", m->index,
                   rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else {
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, assign ? parts : nullptr);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kpk_kafka_load: member %d: assign: %s\n", m->index,
                   rd_kafka_err2str(e));
    }
  }
  if (assign && !go) rd_kafka_pause_partitions(rk, parts);

  std::lock_guard<std::mutex> lock(pass.mu);
  pass.protocol = cooperative ? "COOPERATIVE" : "EAGER";
  auto& held = pass.assigned[static_cast<size_t>(m->index)];
  if (!cooperative) held.clear();
  for (int i = 0; i < parts->cnt; ++i) {
    const int32_t p = parts->elems[i].partition;
    if (assign) {
      held.push_back(p);
    } else {
      held.erase(std::remove(held.begin(), held.end(), p), held.end());
    }
  }
}

// True when the members together hold every partition exactly once and as many members as can
// hold one do: the group has finished joining.
bool GroupStable(GroupPass& pass, int partitions, int members) {
  std::lock_guard<std::mutex> lock(pass.mu);
  std::vector<int> owners(static_cast<size_t>(partitions), 0);
  int holding = 0;
  for (const auto& held : pass.assigned) {
    if (!held.empty()) ++holding;
    for (int32_t p : held) {
      if (p < 0 || p >= partitions) return false;
      ++owners[static_cast<size_t>(p)];
    }
  }
  return holding == std::min(members, partitions) &&
         std::all_of(owners.begin(), owners.end(), [](int n) { return n == 1; });
}

void RunGroupMember(const Options& o, const std::string& group, GroupMember& m,
                    const Deadline& deadline) {
  GroupPass& pass = *m.pass;
  rd_kafka_conf_t* conf = BaseConf(o);
  Set(conf, "client.id", "kpk_kafka_load-" + std::to_string(m.index));
  Set(conf, "group.id", group);
  Set(conf, "auto.offset.reset", "earliest");
  rd_kafka_conf_set_rebalance_cb(conf, OnGroupRebalance);
  rd_kafka_conf_set_opaque(conf, &m);
  KafkaPtr rk = NewClient(RD_KAFKA_CONSUMER, conf, o);
  rd_kafka_poll_set_consumer(rk.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, o.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) Fail("subscribe failed: %s", rd_kafka_err2str(err));

  bool resumed = false;
  while (pass.complete.load() < o.partitions && !deadline.Passed()) {
    const bool go = pass.go.load();
    if (go && !resumed) {
      rd_kafka_topic_partition_list_t* held = nullptr;
      if (rd_kafka_assignment(rk.get(), &held) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_resume_partitions(rk.get(), held);
        rd_kafka_topic_partition_list_destroy(held);
      }
      resumed = true;
    }
    // A short wait until the start, so every member resumes within a few ms of the others.
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk.get(), go ? 100 : 5);
    if (msg == nullptr) continue;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && m.errors++ == 0) {
        m.first_error = rd_kafka_message_errstr(msg);
      }
    } else if (msg->partition >= 0 && msg->partition < o.partitions) {
      const auto p = static_cast<size_t>(msg->partition);
      if (!go) ++m.before_go;
      int64_t zero = 0;
      if (pass.first_ns.load() == 0) pass.first_ns.compare_exchange_strong(zero, NowNs());
      int64_t expect = pass.next[p].load();
      while (expect <= msg->offset &&
             !pass.next[p].compare_exchange_weak(expect, msg->offset + 1)) {
      }
      if (expect > msg->offset) {
        ++m.duplicates;
      } else {
        ++m.records;
        m.bytes += static_cast<int64_t>(msg->len);
        if (expect < pass.high[p] && msg->offset + 1 >= pass.high[p] &&
            pass.complete.fetch_add(1) + 1 == o.partitions) {
          pass.last_ns.store(NowNs());
        }
      }
    }
    rd_kafka_message_destroy(msg);
  }
  // Untimed: commit and LeaveGroup.
  rd_kafka_consumer_close(rk.get());
}

// --consumers members of one new group per pass read [start, high) of every partition. The
// members join, and are given partitions that they keep paused, until the group is stable (every
// partition held by exactly one member, every member holding some); then all resume at once.
// Timed: from the first record any member gets to the record that completes the last partition.
// Records are counted once per offset; a re-delivery (after a rebalance) counts as a duplicate.
int GroupConsume(const Options& o) {
  Deadline deadline(o.timeout_s);
  std::vector<int64_t> start(static_cast<size_t>(o.partitions)), high;
  int64_t per_pass = 0;
  {
    AssignedConsumer probe(o, deadline);
    std::vector<int64_t> low;
    probe.Watermarks(low, high, deadline);
    for (size_t p = 0; p < start.size(); ++p) {
      start[p] = o.tail_records > 0 ? std::max(low[p], high[p] - o.tail_records) : low[p];
      per_pass += high[p] - start[p];
    }
  }
  if (per_pass == 0) Fail("nothing to consume in %s", o.topic.c_str());
  if (o.count_given && per_pass != o.count) {
    Fail("%s holds %" PRId64 " records to read, --count says %" PRId64, o.topic.c_str(), per_pass,
         o.count);
  }

  int64_t timed_ns = 0, records = 0, bytes = 0, duplicates = 0, errors = 0, before_go = 0;
  int64_t rebalances = 0;
  std::string first_error, protocol;
  std::vector<int64_t> member_records(static_cast<size_t>(o.consumers), 0);
  std::vector<double> join_ms, pass_ms;
  int passes = 0;
  bool complete = true;
  for (; passes < o.passes && !deadline.Passed(); ++passes) {
    GroupPass pass(o.partitions);
    pass.start = start;
    pass.high = high;
    pass.assigned.resize(static_cast<size_t>(o.consumers));
    for (int p = 0; p < o.partitions; ++p) {
      const auto i = static_cast<size_t>(p);
      pass.next[i].store(start[i]);
      if (start[i] >= high[i]) pass.complete.fetch_add(1);
    }
    const std::string group =
        "kpk-load-" + o.topic + "-" + std::to_string(::getpid()) + "-" + std::to_string(passes);
    std::vector<GroupMember> members(static_cast<size_t>(o.consumers));
    const int64_t subscribe_ns = NowNs();
    std::vector<std::thread> threads;
    for (int i = 0; i < o.consumers; ++i) {
      GroupMember& m = members[static_cast<size_t>(i)];
      m.pass = &pass;
      m.index = i;
      m.partitions = o.partitions;
      threads.emplace_back([&o, &group, &m, &deadline] { RunGroupMember(o, group, m, deadline); });
    }
    while (!deadline.Passed() && !GroupStable(pass, o.partitions, o.consumers)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const bool stable = !deadline.Passed();
    if (stable) {
      join_ms.push_back(static_cast<double>(NowNs() - subscribe_ns) / 1e6);
      pass.go.store(true);
    }
    for (std::thread& t : threads) t.join();
    if (!stable) {
      std::fprintf(stderr, "kpk_kafka_load: pass %d: the group never became stable\n", passes);
    }
    if (pass.complete.load() < o.partitions) complete = false;
    if (pass.last_ns.load() > 0) {
      timed_ns += pass.last_ns.load() - pass.first_ns.load();
      pass_ms.push_back(static_cast<double>(pass.last_ns.load() - pass.first_ns.load()) / 1e6);
    }
    rebalances += pass.rebalances_after_go.load();
    protocol = pass.protocol;
    for (const GroupMember& m : members) {
      records += m.records;
      bytes += m.bytes;
      duplicates += m.duplicates;
      errors += m.errors;
      before_go += m.before_go;
      member_records[static_cast<size_t>(m.index)] += m.records;
      if (first_error.empty()) first_error = m.first_error;
    }
    if (!complete) {
      ++passes;
      break;
    }
  }
  const double seconds = static_cast<double>(timed_ns) / 1e9;
  auto list = [](const std::vector<double>& ms) {
    std::string out;
    char buf[32];
    for (double v : ms) {
      std::snprintf(buf, sizeof buf, "%s%.1f", out.empty() ? "" : ",", v);
      out += buf;
    }
    return out;
  };
  const std::string joins = list(join_ms), timed = list(pass_ms);
  std::string shares;
  for (int64_t n : member_records) shares += (shares.empty() ? "" : ",") + std::to_string(n);
  std::printf(
      "{\"mode\":\"group-consume\",\"consumers\":%d,\"passes\":%d,\"records_per_pass\":%" PRId64
      ",\"records\":%" PRId64 ",\"bytes\":%" PRId64 ",\"duplicates\":%" PRId64
      ",\"errors\":%" PRId64 ",\"before_start\":%" PRId64 ",\"rebalances_after_start\":%" PRId64
      ",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,\"join_ms\":[%s],"
      "\"pass_ms\":[%s],\"member_records\":[%s],\"protocol\":\"%s\",\"complete\":%s,"
      "\"first_error\":\"%s\"}\n",
      o.consumers, passes, per_pass, records, bytes, duplicates, errors, before_go, rebalances,
      seconds, seconds > 0 ? static_cast<double>(records) / seconds : 0.0,
      seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0, joins.c_str(), timed.c_str(),
      shares.c_str(), protocol.c_str(), complete ? "true" : "false", first_error.c_str());
  if (!complete || records < per_pass * o.passes) {
    Fail("timed out: %" PRId64 " of %" PRId64 " consumed", records, per_pass * o.passes);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// e2e-latency

// Sends `count` records at `rate` per second on a fixed schedule (not "as fast as the last one
// allowed", so a slow server cannot lower the offered load). `stamp` writes the payload for
// record i just before it is produced.
template <typename Stamp>
int64_t ProduceAtRate(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const Options& o, int64_t count,
                      const Deadline& deadline, std::vector<char>& payload, Stamp stamp,
                      bool poll) {
  const int64_t interval_ns = 1000000000LL / o.rate;
  const int64_t start_ns = NowNs();
  int64_t produced = 0;
  for (int64_t i = 0; i < count && !deadline.Passed(); ++i) {
    const int64_t due = start_ns + i * interval_ns;
    for (int64_t now = NowNs(); now < due; now = NowNs()) {
      // Sleep most of the gap; poll (for delivery reports) when this thread owns polling.
      int64_t wait_ns = due - now;
      if (poll && wait_ns > 2000000) {
        rd_kafka_poll(rk, static_cast<int>((wait_ns - 1000000) / 1000000));
      } else {
        std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));
      }
    }
    stamp(i);
    const int32_t partition = static_cast<int32_t>(i % o.partitions);
    if (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                         nullptr, 0, reinterpret_cast<void*>(static_cast<intptr_t>(i))) == -1) {
      Fail("produce failed: %s", rd_kafka_err2str(rd_kafka_last_error()));
    }
    ++produced;
    if (poll) rd_kafka_poll(rk, 0);
  }
  return produced;
}

int EndToEndLatency(const Options& o) {
  Deadline deadline(o.timeout_s);
  const int64_t count = o.count;
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(count));
  int64_t received = 0, errors = 0;

  // The consumer starts (and has its first fetch parked) before the first record is sent.
  AssignedConsumer consumer(o, deadline);
  consumer.Start(RD_KAFKA_OFFSET_BEGINNING);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::vector<rd_kafka_message_t*> batch(1000);
    while (received < count && !stop.load() && !deadline.Passed()) {
      size_t n = consumer.Poll(batch.data(), batch.size(), 100);
      const int64_t now = NowNs();
      for (size_t i = 0; i < n; ++i) {
        const rd_kafka_message_t* m = batch[i];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->len >= sizeof(int64_t)) {
          int64_t sent;
          std::memcpy(&sent, m->payload, sizeof sent);
          latencies.push_back(now - sent);
          ++received;
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          ++errors;
        }
        rd_kafka_message_destroy(batch[i]);
      }
    }
  });

  ProduceCounters counters;
  rd_kafka_conf_t* conf = ProducerConf(o, o.linger_ms);
  rd_kafka_conf_set_dr_msg_cb(conf, OnProduceDelivery);
  rd_kafka_conf_set_opaque(conf, &counters);
  KafkaPtr producer = NewClient(RD_KAFKA_PRODUCER, conf, o);
  WaitForTopic(producer.get(), o, deadline);
  TopicPtr rkt(rd_kafka_topic_new(producer.get(), o.topic.c_str(), nullptr));
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(o.warmup_s * 1e6)));

  std::vector<char> payload = MakePayload(o.size);
  const int64_t produced = ProduceAtRate(
      producer.get(), rkt.get(), o, count, deadline, payload,
      [&](int64_t) {
        int64_t now = NowNs();
        std::memcpy(payload.data(), &now, sizeof now);
      },
      /*poll=*/true);
  rd_kafka_flush(producer.get(), std::max(deadline.RemainingMs(), 1));
  reader.join();
  stop.store(true);

  Summary s = Summarize(latencies);
  std::printf("{\"mode\":\"e2e-latency\",\"produced\":%" PRId64 ",\"received\":%" PRId64
              ",\"errors\":%" PRId64 ",\"produce_failed\":%" PRId64 ",%s}\n",
              produced, received, errors, counters.failed.load(), SummaryJson(s).c_str());
  if (received < count) Fail("timed out: %" PRId64 " of %" PRId64 " received", received, count);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// produce-latency

struct LatencyState {
  std::vector<int64_t> sent_ns;
  std::vector<int64_t> latency_ns;  // -1 until delivered
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};
};

void OnLatencyDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* st = static_cast<LatencyState*>(opaque);
  const int64_t now = NowNs();
  const auto i = static_cast<size_t>(reinterpret_cast<intptr_t>(msg->_private));
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR || i >= st->sent_ns.size()) {
    st->failed.fetch_add(1);
    return;
  }
  st->latency_ns[i] = now - st->sent_ns[i];
  st->delivered.fetch_add(1);
}

int ProduceLatency(const Options& o) {
  Deadline deadline(o.timeout_s);
  LatencyState st;
  st.sent_ns.assign(static_cast<size_t>(o.count), 0);
  st.latency_ns.assign(static_cast<size_t>(o.count), -1);
  rd_kafka_conf_t* conf = ProducerConf(o, o.linger_ms);
  rd_kafka_conf_set_dr_msg_cb(conf, OnLatencyDelivery);
  rd_kafka_conf_set_opaque(conf, &st);
  KafkaPtr rk = NewClient(RD_KAFKA_PRODUCER, conf, o);
  WaitForTopic(rk.get(), o, deadline);
  TopicPtr rkt(rd_kafka_topic_new(rk.get(), o.topic.c_str(), nullptr));

  // Delivery reports are served by their own thread, which blocks in rd_kafka_poll and so
  // wakes the moment one is queued: the figure is the server's, not a polling interval.
  std::atomic<bool> stop{false};
  std::thread poller([&] {
    while (!stop.load()) rd_kafka_poll(rk.get(), 50);
  });
  std::vector<char> payload = MakePayload(o.size);
  const int64_t produced = ProduceAtRate(
      rk.get(), rkt.get(), o, o.count, deadline, payload,
      [&](int64_t i) { st.sent_ns[static_cast<size_t>(i)] = NowNs(); }, /*poll=*/false);
  while (st.delivered.load() + st.failed.load() < produced && !deadline.Passed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.store(true);
  poller.join();

  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(produced));
  for (int64_t v : st.latency_ns) {
    if (v >= 0) latencies.push_back(v);
  }
  Summary s = Summarize(latencies);
  std::printf("{\"mode\":\"produce-latency\",\"produced\":%" PRId64 ",\"delivered\":%" PRId64
              ",\"failed\":%" PRId64 ",%s}\n",
              produced, st.delivered.load(), st.failed.load(), SummaryJson(s).c_str());
  if (st.delivered.load() + st.failed.load() < o.count) Fail("timed out");
  return st.failed.load() == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// crash-produce / crash-verify

// Keys are "k" + 12 digits of the sequence number, so the verifier can parse them back.
std::string KeyFor(int64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "k%012" PRId64, i);
  return buf;
}

struct CrashState {
  std::FILE* acked = nullptr;
  int64_t delivered = 0;  // touched only by the polling thread
  int64_t failed = 0;
  std::string first_error;
};

void OnCrashDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* st = static_cast<CrashState*>(opaque);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (st->failed++ == 0) st->first_error = rd_kafka_err2str(msg->err);
    return;
  }
  ++st->delivered;
  // "key partition offset": the verifier checks the record is where the answer said it is.
  std::fwrite(msg->key, 1, msg->key_len, st->acked);
  std::fprintf(st->acked, " %" PRId32 " %" PRId64 "\n", msg->partition, msg->offset);
}

int CrashProduce(const Options& o) {
  if (o.acked_file.empty()) Usage("crash-produce needs --acked-file");
  Deadline deadline(o.timeout_s);
  CrashState st;
  st.acked = std::fopen(o.acked_file.c_str(), "w");
  if (st.acked == nullptr) Fail("cannot open %s: %s", o.acked_file.c_str(), strerror(errno));
  rd_kafka_conf_t* conf = ProducerConf(o, o.linger_ms);
  if (!o.idempotent) {
    // Without idempotence a resend after a lost answer could duplicate an acknowledged record,
    // which would be the client's doing; never resending keeps every key in one request.
    Set(conf, "message.send.max.retries", "0");
  }
  // Records queued while the broker is down must outlive a restart.
  Set(conf, "message.timeout.ms", "30000");
  rd_kafka_conf_set_dr_msg_cb(conf, OnCrashDelivery);
  rd_kafka_conf_set_opaque(conf, &st);
  KafkaPtr rk = NewClient(RD_KAFKA_PRODUCER, conf, o);
  WaitForTopic(rk.get(), o, deadline);
  TopicPtr rkt(rd_kafka_topic_new(rk.get(), o.topic.c_str(), nullptr));

  const int64_t count = static_cast<int64_t>(o.rate * o.duration_s);
  const int64_t interval_ns = 1000000000LL / o.rate;
  const int64_t start_ns = NowNs();
  std::vector<char> payload = MakePayload(o.size);
  int64_t produced = 0;
  for (int64_t i = 0; i < count && !deadline.Passed(); ++i) {
    const int64_t due = start_ns + i * interval_ns;
    for (int64_t now = NowNs(); now < due; now = NowNs()) {
      rd_kafka_poll(rk.get(), static_cast<int>(std::max<int64_t>((due - now) / 1000000, 0)));
    }
    std::string key = KeyFor(i);
    const int32_t partition = static_cast<int32_t>(i % o.partitions);
    while (rd_kafka_produce(rkt.get(), partition, RD_KAFKA_MSG_F_COPY, payload.data(),
                            payload.size(), key.data(), key.size(), nullptr) == -1) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL || deadline.Passed()) {
        Fail("produce failed: %s", rd_kafka_err2str(rd_kafka_last_error()));
      }
      rd_kafka_poll(rk.get(), 10);
    }
    ++produced;
    rd_kafka_poll(rk.get(), 0);
  }
  rd_kafka_flush(rk.get(), std::max(deadline.RemainingMs(), 1));
  rd_kafka_poll(rk.get(), 0);
  const int64_t outstanding = rd_kafka_outq_len(rk.get());
  std::fclose(st.acked);
  std::printf("{\"mode\":\"crash-produce\",\"produced\":%" PRId64 ",\"acked\":%" PRId64
              ",\"failed\":%" PRId64 ",\"outstanding\":%" PRId64 ",\"first_error\":\"%s\"}\n",
              produced, st.delivered, st.failed, outstanding, st.first_error.c_str());
  return 0;
}

int CrashVerify(const Options& o) {
  if (o.acked_file.empty()) Usage("crash-verify needs --acked-file");
  Deadline deadline(o.timeout_s);
  struct Place {
    int32_t partition;
    int64_t offset;
    bool operator==(const Place&) const = default;
  };
  std::unordered_map<std::string, Place> acked;  // key -> where its answer put it
  {
    std::ifstream in(o.acked_file);
    std::string key;
    Place place{};
    while (in >> key >> place.partition >> place.offset) acked[key] = place;
  }

  AssignedConsumer consumer(o, deadline);
  std::vector<int64_t> low, high;
  consumer.Watermarks(low, high, deadline);
  std::vector<int64_t> next = low;
  consumer.Start(low);
  auto done = [&] {
    for (size_t p = 0; p < next.size(); ++p) {
      if (next[p] < high[p]) return false;
    }
    return true;
  };
  std::unordered_map<std::string, std::vector<Place>> seen;  // key -> where it is in the log
  int64_t records = 0, gaps = 0;
  std::vector<rd_kafka_message_t*> batch(10000);
  while (!done() && !deadline.Passed()) {
    size_t n = consumer.Poll(batch.data(), batch.size(), 100);
    for (size_t i = 0; i < n; ++i) {
      const rd_kafka_message_t* m = batch[i];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->partition >= 0 &&
          m->partition < o.partitions) {
        auto& expect = next[static_cast<size_t>(m->partition)];
        if (m->offset != expect) ++gaps;  // offsets of a single-node log are dense
        expect = m->offset + 1;
        ++records;
        seen[std::string(static_cast<const char*>(m->key), m->key_len)].push_back(
            {m->partition, m->offset});
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  const bool complete = done();
  int64_t missing = 0, duplicated = 0, misplaced = 0, unacked_present = 0, duplicated_unacked = 0;
  std::string example;
  auto note = [&](const std::string& what) {
    if (example.empty()) example = what;
  };
  for (const auto& [key, place] : acked) {
    auto it = seen.find(key);
    if (it == seen.end()) {
      ++missing;
      note("missing " + key);
    } else if (it->second.size() > 1) {
      ++duplicated;
      note("duplicated " + key);
    } else if (!(it->second[0] == place)) {
      ++misplaced;
      note(key + " acknowledged at " + std::to_string(place.partition) + "/" +
           std::to_string(place.offset) + " but found at " +
           std::to_string(it->second[0].partition) + "/" + std::to_string(it->second[0].offset));
    }
  }
  for (const auto& [key, places] : seen) {
    if (acked.count(key)) continue;
    ++unacked_present;
    if (places.size() > 1) ++duplicated_unacked;
  }
  const int64_t violations = missing + duplicated + misplaced + (complete ? 0 : 1);
  std::printf("{\"mode\":\"crash-verify\",\"acked\":%zu,\"records\":%" PRId64
              ",\"missing\":%" PRId64 ",\"duplicated\":%" PRId64 ",\"misplaced\":%" PRId64
              ",\"offset_gaps\":%" PRId64 ",\"unacked_present\":%" PRId64
              ",\"duplicated_unacked\":%" PRId64 ",\"complete\":%s,\"violations\":%" PRId64
              ",\"example\":\"%s\"}\n",
              acked.size(), records, missing, duplicated, misplaced, gaps, unacked_present,
              duplicated_unacked, complete ? "true" : "false", violations, example.c_str());
  return violations == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  if (o.mode == "create-topic") return CreateTopic(o);
  if (o.mode == "produce") return Produce(o);
  if (o.mode == "consume") return Consume(o);
  if (o.mode == "group-consume") return GroupConsume(o);
  if (o.mode == "e2e-latency") return EndToEndLatency(o);
  if (o.mode == "produce-latency") return ProduceLatency(o);
  if (o.mode == "crash-produce") return CrashProduce(o);
  if (o.mode == "crash-verify") return CrashVerify(o);
  Usage("unknown mode " + o.mode);
}
