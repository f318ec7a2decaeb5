// Shared by kpk_kafka_load's modes (kafka_load.cc): options, bounded waits, librdkafka handles
// and configuration, latency summaries.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace kpk::bench {

using Clock = std::chrono::steady_clock;

int64_t NowNs();

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
  bool duration_given = false;
  // produce: keyed records, keys drawn at random from this many ("key-00000042"), each key
  // always to the same partition (key % partitions); 0: no keys, partitions round-robin.
  int64_t keys = 0;
  int consumers = 3;
  std::vector<std::pair<std::string, std::string>> extra;  // -X key=value
};

[[noreturn]] void Usage(const std::string& why);
Options ParseArgs(int argc, char** argv);
[[noreturn]] void Fail(const char* format, ...);

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

void Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);
rd_kafka_conf_t* BaseConf(const Options& o);
KafkaPtr NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, const Options& o);
// Waits until the topic's metadata names `partitions` partitions, each with a leader. This
// also opens the connection, so the timed part of a mode starts with a warm client.
void WaitForTopic(rd_kafka_t* rk, const Options& o, const Deadline& deadline);
rd_kafka_conf_t* ProducerConf(const Options& o, int linger_ms);

// Nearest-rank percentiles of latencies in microseconds.
struct Summary {
  size_t n = 0;
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
};

Summary Summarize(std::vector<int64_t> ns);
std::string SummaryJson(const Summary& s);
// A payload that does not compress to nothing, in case a client enables compression.
std::vector<char> MakePayload(int size);

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

// The modes that live in files of their own.
int GroupConsume(const Options& o);
int CrashProduce(const Options& o);
int CrashVerify(const Options& o);

}  // namespace kpk::bench
