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
  std::vector<std::pair<std::string, std::string>> extra;  // -X key=value
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "kpk_kafka_load: %s\n"
               "usage: kpk_kafka_load create-topic|produce|consume|e2e-latency|produce-latency|"
               "crash-produce|crash-verify --bootstrap HOST:PORT --topic NAME\n"
               "         [--partitions N] [--count N] [--size BYTES] [--acks all|1|0]\n"
               "         [--linger-ms MS] [--rate MSG_PER_S] [--duration-s S] [--timeout-s S]\n"
               "         [--warmup-s S] [--passes N] [--tail-records N] [--acked-file PATH]\n"
               "         [--idempotent] [-X key=value]...\n",
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
  if (o.mode == "e2e-latency") return EndToEndLatency(o);
  if (o.mode == "produce-latency") return ProduceLatency(o);
  if (o.mode == "crash-produce") return CrashProduce(o);
  if (o.mode == "crash-verify") return CrashVerify(o);
  Usage("unknown mode " + o.mode);
}
