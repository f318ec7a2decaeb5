// kpk cluster health's overview: the Admin API's JSON, the one derived from Kafka metadata,
// and rpk's text block.
#include <doctest/doctest.h>

#include "cli/client/cluster_health.h"

namespace kpk::cli {
namespace {

client::PartitionInfo Partition(int32_t id, int32_t leader, std::vector<int32_t> replicas,
                                std::vector<int32_t> isrs) {
  client::PartitionInfo p;
  p.id = id;
  p.leader = leader;
  p.replicas = std::move(replicas);
  p.isrs = std::move(isrs);
  return p;
}

// Three brokers, 1 stopped: its replicas are out of the ISRs, and a partition whose only
// replica it held has no leader.
client::ClusterMetadata OneBrokerDown() {
  client::ClusterMetadata md;
  md.cluster_id = "abc";
  md.controller_id = 2;
  md.brokers = {{2, "h", 9092}, {3, "h", 9092}};
  client::TopicInfo t;
  t.name = "orders";
  t.partitions = {Partition(0, 2, {1, 2, 3}, {2, 3}), Partition(1, 3, {1, 2, 3}, {2, 3})};
  client::TopicInfo single;
  single.name = "solo";
  single.partitions = {Partition(0, -1, {1}, {1}), Partition(1, 2, {2}, {2})};
  md.topics = {t, single};
  return md;
}

TEST_CASE("health from Kafka metadata names nodes down, leaderless and under-replicated") {
  client::HealthOverview h = client::HealthFromMetadata(OneBrokerDown());
  CHECK_FALSE(h.is_healthy);
  CHECK(h.unhealthy_reasons == std::vector<std::string>{"leaderless_partitions", "nodes_down",
                                                        "under_replicated_partitions"});
  CHECK(h.all_nodes == std::vector<int32_t>{1, 2, 3});
  CHECK(h.nodes_down == std::vector<int32_t>{1});
  CHECK(h.controller_id == 2);
  CHECK(h.leaderless_partitions == std::vector<std::string>{"kafka/solo/0"});
  CHECK(h.under_replicated_partitions ==
        std::vector<std::string>{"kafka/orders/0", "kafka/orders/1"});
  CHECK(*h.leaderless_count == 1);
  CHECK(*h.under_replicated_count == 2);
}

TEST_CASE("a cluster whose replicas are all in sync is healthy") {
  client::ClusterMetadata md;
  md.controller_id = 0;
  md.brokers = {{0, "h", 9092}};
  client::TopicInfo t;
  t.name = "t";
  t.partitions = {Partition(0, 0, {0}, {0})};
  md.topics = {t};
  client::HealthOverview h = client::HealthFromMetadata(md);
  CHECK(h.is_healthy);
  CHECK(h.unhealthy_reasons.empty());
  md.controller_id = -1;  // no controller among the live brokers
  CHECK(client::HealthFromMetadata(md).unhealthy_reasons ==
        std::vector<std::string>{"no_elected_controller"});
}

TEST_CASE("the Admin API's overview, and rpk's text block with a truncated list") {
  auto h = client::HealthOverviewFromJson(
      R"({"is_healthy":false,"unhealthy_reasons":["leaderless_partitions"],"controller_id":0,
          "all_nodes":[0],"nodes_down":[],"leaderless_partitions":["kafka/b/0","kafka/a/1"],
          "leaderless_count":3,"under_replicated_partitions":[],"under_replicated_count":0})");
  REQUIRE(h);
  CHECK(h->leaderless_partitions == std::vector<std::string>{"kafka/a/1", "kafka/b/0"});
  CHECK(client::RenderHealthOverview(*h) ==
        "CLUSTER HEALTH OVERVIEW\n"
        "=======================\n"
        "Healthy:                          false\n"
        "Unhealthy reasons:                [leaderless_partitions]\n"
        "Controller ID:                    0\n"
        "All nodes:                        [0]\n"
        "Nodes down:                       []\n"
        "Nodes in recovery mode:           []\n"
        "Leaderless partitions (3):        [kafka/a/1 kafka/b/0 ...truncated]\n"
        "Under-replicated partitions (0):  []\n");
  CHECK_FALSE(client::HealthOverviewFromJson("{\"nope\":1}"));
  CHECK_FALSE(client::HealthOverviewFromJson("not json"));
}

}  // namespace
}  // namespace kpk::cli
