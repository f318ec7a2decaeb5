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

double ParseNumber(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value) || value < 0) {
    Usage(flag + " takes a non-negative number");
  }
  return value;
}

}  // namespace

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "kpk_kafka_load: %s\n"
               "usage: kpk_kafka_load create-topic|produce|consume|group-consume|e2e-latency|"
               "produce-latency|crash-produce|crash-verify --bootstrap HOST:PORT --topic NAME\n"
               "         [--partitions N] [--count N] [--size BYTES] [--acks all|1|0]\n"
               "         [--linger-ms MS] [--rate MSG_PER_S] [--duration-s S] [--timeout-s S]\n"
               "         [--warmup-s S] [--passes N] [--tail-records N] [--acked-file PATH]\n"
               "         [--consumers N] [--keys N] [--idempotent] [-X key=value]...\n",
               why.c_str());
  std::exit(2);
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
      o.duration_given = true;
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
    } else if (flag == "--keys") {
      o.keys = static_cast<int64_t>(ParseNumber(value, flag));
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

rd_kafka_conf_t* ProducerConf(const Options& o, int linger_ms) {
  rd_kafka_conf_t* conf = BaseConf(o);
  Set(conf, "acks", o.acks);
  Set(conf, "linger.ms", std::to_string(linger_ms));
  if (o.idempotent) Set(conf, "enable.idempotence", "true");
  return conf;
}

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

}  // namespace kpk::bench
