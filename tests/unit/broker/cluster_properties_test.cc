// The cluster properties table (broker/core/cluster_properties.h): every row round-trips through
// the store it shares with Kafka's dynamic broker configs, and patches are all or nothing.
#include <doctest/doctest.h>

#include "broker/core/cluster_properties.h"

namespace kpk::broker {
namespace {

using nlohmann::json;

// A value of the property's type that differs from `current` and is in range.
json OtherValue(const ClusterPropertySpec& spec, const json& current) {
  if (spec.type == "boolean") return !current.get<bool>();
  if (spec.type == "number") return current.get<double>() == 0.25 ? 0.75 : 0.25;
  if (spec.type == "integer") {
    if (current.is_null()) return 12345;
    int64_t n = current.get<int64_t>();
    return n > (int64_t{1} << 40) ? n - 1 : n + 1;  // within the type's range
  }
  if (!spec.enum_values.empty()) {
    const std::string first(spec.enum_values.front());
    return current == first ? std::string(spec.enum_values.back()) : first;
  }
  return current == "compact" ? "delete" : "compact";
}

TEST_CASE("every property round-trips through the shared store") {
  for (const ClusterPropertySpec& spec : ClusterPropertySpecs()) {
    CAPTURE(spec.name);
    const ClusterProperties defaults;
    json want = OtherValue(spec, spec.get(defaults));
    ConfigOverrides store;
    ClusterConfigPatch patch;
    patch.upsert.emplace_back(std::string(spec.name), want);
    REQUIRE(PatchClusterStore(patch, defaults, store).empty());
    REQUIRE(store.size() == 1);
    CHECK(store.begin()->first == StoreKey(spec));
    if (!spec.kafka_name.empty()) {
      // Kafka's AlterConfigs takes the stored text: the Kafka name is a dynamic broker config.
      ClusterProperties via_kafka;
      CHECK(ApplyBrokerConfig(spec.kafka_name, store.begin()->second, via_kafka).ok());
      CHECK(spec.get(via_kafka) == want);
    }
    ClusterProperties loaded;
    REQUIRE(ApplyStoredConfig(store.begin()->first, store.begin()->second, loaded).ok());
    CHECK(spec.get(loaded) == want);
    // Scalars as strings, as rpk sends them, are the same value.
    if (want.is_number_integer() || want.is_boolean()) {
      ConfigOverrides from_string;
      ClusterConfigPatch as_string;
      as_string.upsert.emplace_back(std::string(spec.name), want.dump());
      CHECK(PatchClusterStore(as_string, defaults, from_string).empty());
      CHECK(from_string == store);
    }
    patch = {};
    patch.remove.emplace_back(spec.name);
    CHECK(PatchClusterStore(patch, defaults, store).empty());
    CHECK(store.empty());
  }
}

TEST_CASE("a patch with any error changes nothing and names each bad property") {
  ConfigOverrides store = {{"log.retention.ms", "1000"}};
  const ConfigOverrides before = store;
  ClusterConfigPatch patch;
  patch.upsert = {{"log_segment_size", 1000000},
                  {"no_such_property", 1},
                  {"default_topic_partitions", "many"},
                  {"log_message_timestamp_type", "rhubarb"},
                  {"auto_create_topics_enabled", 3}};
  patch.remove = {"log_retention_ms", "also_unknown"};
  auto errors = PatchClusterStore(patch, ClusterProperties{}, store);
  CHECK(errors.size() == 5);
  CHECK(errors["no_such_property"] == "Unknown property");
  CHECK(errors["also_unknown"] == "Unknown property");
  CHECK(errors["default_topic_partitions"] == "expected type integer");
  CHECK(errors.count("log_message_timestamp_type") == 1);
  CHECK(errors["auto_create_topics_enabled"] == "expected type boolean");
  CHECK(store == before);
}

TEST_CASE("properties that need a restart keep their running value") {
  ClusterProperties running;
  ClusterProperties next = running;
  next.retention_check_interval_ms = 60000;
  next.log_retention_ms = 1000;
  CHECK(PendingRestart(running, next) == std::vector<std::string>{"retention_check_interval_ms"});
  KeepRestartValues(running, next);
  CHECK(next.retention_check_interval_ms == running.retention_check_interval_ms);
  CHECK(next.log_retention_ms == 1000);
  CHECK(PendingRestart(running, next).empty());
}

TEST_CASE("without defaults only changed properties are listed, and retention_bytes null is -1") {
  ClusterProperties c;
  CHECK(ClusterConfigJson(c, true).empty());
  CHECK(ClusterConfigJson(c, false)["retention_bytes"].is_null());
  c.retention_bytes = 100;
  CHECK(ClusterConfigJson(c, true) == json{{"retention_bytes", 100}});
  ConfigOverrides store;
  ClusterConfigPatch patch;
  patch.upsert = {{"retention_bytes", nullptr}};
  CHECK(PatchClusterStore(patch, c, store).empty());
  CHECK(store == ConfigOverrides{{"log.retention.bytes", "-1"}});
}

}  // namespace
}  // namespace kpk::broker
