// kpk_kafka_load crash-produce and crash-verify: acknowledged records survive SIGKILLs (see
// kafka_load.cc).
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

}  // namespace

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

}  // namespace kpk::bench
