// `kpk cluster config` against a cluster without the Admin API (Apache Kafka): Redpanda's
// cluster properties that are Kafka broker configs (log_retention_ms is log.retention.ms), read
// with DescribeConfigs of a broker and written as the cluster-wide dynamic defaults
// (IncrementalAlterConfigs on BROKER resource ""), with kpk's own wire requests (librdkafka 2.0
// has no IncrementalAlterConfigs).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/client/kafka_client.h"
#include "cli/format/output.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

// Redpanda's name and the Kafka broker config it corresponds to; `kafka` is empty for a
// property Kafka has no broker config for.
struct PropertyKafkaName {
  std::string_view redpanda;
  std::string_view kafka;
};
const std::vector<PropertyKafkaName>& PropertyKafkaNames();
// Empty when the property has no Kafka broker config (or is not known).
std::string_view KafkaNameOf(std::string_view redpanda);

// One property as a Kafka broker reports it.
struct KafkaProperty {
  std::string name;        // Redpanda's
  std::string kafka_name;  // Kafka's
  std::optional<std::string> value;
  std::string type;  // Redpanda's schema type for Kafka's: integer, boolean, number, string
  bool read_only = false;
  bool sensitive = false;
  std::string source;  // e.g. DYNAMIC_DEFAULT_BROKER_CONFIG
  std::string documentation;
};

// The mapped properties one broker of the cluster knows, with their effective values.
Result<std::vector<KafkaProperty>> DescribeKafkaProperties(Client& client);
// The JSON value of a property as the Admin API would give it (a number for an integer).
Json KafkaPropertyJson(const KafkaProperty& property);

// Sets (a value) or deletes (nullopt) cluster-wide dynamic broker configs, by Kafka name.
Status AlterKafkaClusterDefaults(
    Client& client, const std::vector<std::pair<std::string, std::optional<std::string>>>& changes);

}  // namespace client
}  // namespace kpk::cli
