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
//                    --linger-ms; reports records/s, MB/s and delivery errors. --keys N: keyed
//                    records, keys drawn at random from N, each key always to partition
//                    key % partitions (a compacted topic's load); --duration-s: stop producing
//                    after that long even if --count records have not been sent
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
#include "kafka_load_support.h"

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

namespace kpk::bench {
namespace {

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
  const int64_t stop_ns =
      o.duration_given ? start_ns + static_cast<int64_t>(o.duration_s * 1e9) : INT64_MAX;
  uint64_t rng = 0x9e3779b97f4a7c15ull;  // fixed seed: every run draws the same keys
  char key[24];
  int64_t produced = 0;
  for (int64_t i = 0; i < o.count && !deadline.Passed(); ++i) {
    if ((i & 255) == 0 && NowNs() >= stop_ns) break;
    int32_t partition = static_cast<int32_t>(i % o.partitions);
    const char* key_data = nullptr;
    size_t key_size = 0;
    if (o.keys > 0) {
      rng ^= rng << 13;  // xorshift64
      rng ^= rng >> 7;
      rng ^= rng << 17;
      const auto k = static_cast<int64_t>(rng % static_cast<uint64_t>(o.keys));
      partition = static_cast<int32_t>(k % o.partitions);
      key_size = static_cast<size_t>(std::snprintf(key, sizeof key, "key-%08" PRId64, k));
      key_data = key;
    }
    while (rd_kafka_produce(rkt.get(), partition, 0, payload.data(), payload.size(), key_data,
                            key_size, nullptr) == -1) {
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
  std::printf("{\"mode\":\"produce\",\"records\":%" PRId64 ",\"delivered\":%" PRId64
              ",\"failed\":%" PRId64 ",\"keys\":%" PRId64
              ",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,"
              "\"first_error\":\"%s\"}\n",
              produced, counters.delivered.load(), counters.failed.load(), o.keys, seconds,
              static_cast<double>(counters.delivered.load()) / seconds, bytes / seconds / 1e6,
              counters.first_error.c_str());
  const int64_t wanted = o.duration_given ? produced : o.count;
  if (done < wanted) Fail("timed out: %" PRId64 " of %" PRId64 " delivered", done, wanted);
  return counters.failed.load() == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// consume

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

}  // namespace
}  // namespace kpk::bench

using namespace kpk::bench;

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
