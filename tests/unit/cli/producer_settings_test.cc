// Producer settings: the flag vocabularies and the librdkafka properties the settings become.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cli/client/producer.h"

namespace kpk::cli {
namespace {

std::map<std::string, std::string> AsMap(const KafkaProperties& props) {
  return {props.begin(), props.end()};
}

TEST_CASE("compression names round-trip and the codes are what formats print") {
  for (const char* name : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    auto c = ParseCompression(name);
    REQUIRE(c.has_value());
    CHECK(CompressionName(*c) == name);
  }
  CHECK(static_cast<int>(*ParseCompression("zstd")) == 4);
  CHECK_FALSE(ParseCompression("brotli").has_value());
  CHECK_FALSE(ParseCompression("").has_value());
}

TEST_CASE("acks are -1, 0 or 1") {
  CHECK(AcksFromInt(-1) == Acks::kAll);
  CHECK(AcksFromInt(0) == Acks::kNone);
  CHECK(AcksFromInt(1) == Acks::kLeader);
  CHECK_FALSE(AcksFromInt(2).has_value());
  CHECK_FALSE(AcksFromInt(-2).has_value());
}

TEST_CASE("default producer settings") {
  ConnectionConfig cfg;
  cfg.command_timeout = std::chrono::milliseconds(7000);
  auto props = AsMap(ProducerProperties(ProducerSettings{}, cfg));
  CHECK(props.at("compression.codec") == "snappy");
  CHECK(props.at("acks") == "-1");
  CHECK(props.at("message.timeout.ms") == "7000");  // the command timeout
  CHECK(props.at("allow.auto.create.topics") == "false");
  CHECK(props.count("batch.size") == 0);
  CHECK(props.at("linger.ms") == "10");
  CHECK(props.at("batch.num.messages") == "100000");
  CHECK(props.at("queue.buffering.max.messages") == "1000000");
  CHECK(props.at("queue.buffering.max.kbytes") == "1048576");
}

TEST_CASE("each producer setting becomes its property") {
  ConnectionConfig cfg;
  ProducerSettings s;
  s.compression = Compression::kZstd;
  s.acks = Acks::kLeader;
  s.delivery_timeout = std::chrono::milliseconds(2500);
  s.max_batch_bytes = 4096;
  s.allow_auto_topic_creation = true;
  s.linger = std::chrono::milliseconds(0);
  auto props = AsMap(ProducerProperties(s, cfg));
  CHECK(props.at("compression.codec") == "zstd");
  CHECK(props.at("acks") == "1");
  CHECK(props.at("message.timeout.ms") == "2500");
  CHECK(DeliveryTimeout(s, cfg) == std::chrono::milliseconds(2500));
  CHECK(props.at("batch.size") == "4096");
  CHECK(props.at("allow.auto.create.topics") == "true");
  CHECK(props.at("linger.ms") == "0");
  s.acks = Acks::kNone;
  CHECK(AsMap(ProducerProperties(s, cfg)).at("acks") == "0");
}

}  // namespace
}  // namespace kpk::cli
