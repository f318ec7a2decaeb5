// Consumer settings: balancer names and the librdkafka properties the settings become.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cli/client/consumer.h"

namespace kpk::cli {
namespace {

std::map<std::string, std::string> AsMap(const KafkaProperties& props) {
  return {props.begin(), props.end()};
}

TEST_CASE("balancers take rpk's names, with sticky meaning cooperative-sticky") {
  CHECK(ParseBalancer("range") == Balancer::kRange);
  CHECK(ParseBalancer("roundrobin") == Balancer::kRoundRobin);
  CHECK(ParseBalancer("sticky") == Balancer::kCooperativeSticky);
  CHECK(ParseBalancer("cooperative-sticky") == Balancer::kCooperativeSticky);
  CHECK_FALSE(ParseBalancer("round-robin").has_value());
}

TEST_CASE("without a group nothing is committed") {
  auto props = AsMap(ConsumerProperties(ConsumerSettings{}));
  CHECK(props.at("group.id") == "kpk-unused");
  CHECK(props.at("enable.auto.commit") == "false");
  CHECK(props.count("partition.assignment.strategy") == 0);
  CHECK(props.count("auto.offset.reset") == 0);
  CHECK(props.at("fetch.wait.max.ms") == "5000");
  CHECK(props.at("fetch.max.bytes") == "1048576");
  CHECK(props.at("max.partition.fetch.bytes") == "1048576");
  CHECK(props.at("isolation.level") == "read_uncommitted");
  CHECK(props.at("enable.partition.eof") == "false");
  CHECK(props.at("allow.auto.create.topics") == "false");
  CHECK(props.count("client.rack") == 0);
}

TEST_CASE("each consumer setting becomes its property") {
  ConsumerSettings s;
  s.isolation = IsolationLevel::kReadCommitted;
  s.fetch_max_wait = std::chrono::milliseconds(250);
  s.fetch_max_bytes = 100;
  s.fetch_max_partition_bytes = 50;
  s.report_partition_eof = true;
  s.rack = "r1";
  auto props = AsMap(ConsumerProperties(s));
  CHECK(props.at("isolation.level") == "read_committed");
  CHECK(props.at("fetch.wait.max.ms") == "250");
  CHECK(props.at("fetch.max.bytes") == "100");
  CHECK(props.at("max.partition.fetch.bytes") == "50");
  CHECK(props.at("enable.partition.eof") == "true");
  CHECK(props.at("client.rack") == "r1");
}

TEST_CASE("a group commits only stored offsets, with its balancer and reset") {
  ConsumerSettings s;
  GroupSettings& g = s.group.emplace();
  g.id = "g1";
  g.balancer = Balancer::kRoundRobin;
  g.reset = OffsetReset::kLatest;
  auto props = AsMap(ConsumerProperties(s));
  CHECK(props.at("group.id") == "g1");
  CHECK(props.at("partition.assignment.strategy") == "roundrobin");
  CHECK(props.at("enable.auto.commit") == "true");
  CHECK(props.at("enable.auto.offset.store") == "false");
  CHECK(props.at("auto.offset.reset") == "latest");
  g.reset = OffsetReset::kEarliest;
  g.balancer = Balancer::kCooperativeSticky;
  props = AsMap(ConsumerProperties(s));
  CHECK(props.at("auto.offset.reset") == "earliest");
  CHECK(props.at("partition.assignment.strategy") == "cooperative-sticky");
}

}  // namespace
}  // namespace kpk::cli
