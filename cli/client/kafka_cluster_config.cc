#include "cli/client/kafka_cluster_config.h"

#include <fmt/core.h>

#include "broker/protocol/generated/describe_configs_request.h"
#include "broker/protocol/generated/describe_configs_response.h"
#include "broker/protocol/generated/incremental_alter_configs_request.h"
#include "broker/protocol/generated/incremental_alter_configs_response.h"
#include "cli/client/wire_request.h"

namespace kpk::cli {
inline namespace client {
namespace {

using protocol::DescribeConfigsRequest;
using protocol::DescribeConfigsResponse;
using protocol::IncrementalAlterConfigsRequest;
using protocol::IncrementalAlterConfigsResponse;

constexpr int8_t kBrokerResource = 4;
constexpr int16_t kDescribeConfigsVersion = 4;
constexpr int16_t kIncrementalAlterConfigsVersion = 1;
constexpr int8_t kOpSet = 0;
constexpr int8_t kOpDelete = 1;

// Redpanda documents these as "also settable through Kafka as ..."; the rest of kpk's cluster
// properties have no Kafka broker config (or only a read-only one, named so Kafka shows it).
const std::vector<PropertyKafkaName> kNames = {
    {"auto_create_topics_enabled", "auto.create.topics.enable"},
    {"default_topic_partitions", "num.partitions"},
    {"default_topic_replications", "default.replication.factor"},
    {"group_initial_rebalance_delay", "group.initial.rebalance.delay.ms"},
    {"group_max_session_timeout_ms", "group.max.session.timeout.ms"},
    {"group_min_session_timeout_ms", "group.min.session.timeout.ms"},
    {"kafka_batch_max_bytes", "message.max.bytes"},
    {"log_cleaner_io_max_bytes_per_second", "log.cleaner.io.max.bytes.per.second"},
    {"log_cleanup_policy", "log.cleanup.policy"},
    {"log_compaction_interval_ms", "log.cleaner.backoff.ms"},
    {"log_message_timestamp_type", "log.message.timestamp.type"},
    {"log_retention_ms", "log.retention.ms"},
    {"log_segment_ms", "log.roll.ms"},
    {"log_segment_size", "log.segment.bytes"},
    {"max_compaction_lag_ms", "log.cleaner.max.compaction.lag.ms"},
    {"min_cleanable_dirty_ratio", "log.cleaner.min.cleanable.ratio"},
    {"min_compaction_lag_ms", "log.cleaner.min.compaction.lag.ms"},
    {"retention_bytes", "log.retention.bytes"},
    {"retention_check_interval_ms", "log.retention.check.interval.ms"},
    {"tombstone_retention_ms", "log.cleaner.delete.retention.ms"},
    {"transaction_max_timeout_ms", "transaction.max.timeout.ms"},
};

std::string_view RedpandaNameOf(std::string_view kafka) {
  for (const auto& n : kNames) {
    if (n.kafka == kafka) return n.redpanda;
  }
  return {};
}

// Kafka's ConfigType (DescribeConfigs v3+) as Redpanda's schema names types.
std::string SchemaType(int8_t kafka_type) {
  switch (kafka_type) {
    case 1:
      return "boolean";
    case 3:
    case 4:
    case 5:
      return "integer";
    case 6:
      return "number";
    default:
      return "string";
  }
}

std::string SourceName(int8_t source) {
  switch (source) {
    case 1:
      return "DYNAMIC_TOPIC_CONFIG";
    case 2:
      return "DYNAMIC_BROKER_CONFIG";
    case 3:
      return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case 4:
      return "STATIC_BROKER_CONFIG";
    case 5:
      return "DEFAULT_CONFIG";
    default:
      return "UNKNOWN";
  }
}

// Any one broker answers for the cluster: the defaults are the same on every broker.
Result<BrokerInfo> AnyBroker(Client& client) {
  auto md = client.Metadata(/*topics_too=*/false);
  if (!md) return Err(md.error());
  if (md->brokers.empty()) return Err(Status::Unavailable("the cluster reported no brokers"));
  return md->brokers.front();
}

}  // namespace

const std::vector<PropertyKafkaName>& PropertyKafkaNames() { return kNames; }

std::string_view KafkaNameOf(std::string_view redpanda) {
  for (const auto& n : kNames) {
    if (n.redpanda == redpanda) return n.kafka;
  }
  return {};
}

Result<std::vector<KafkaProperty>> DescribeKafkaProperties(Client& client) {
  Result<BrokerInfo> broker = AnyBroker(client);
  if (!broker) return Err(broker.error());
  DescribeConfigsRequest request;
  DescribeConfigsRequest::DescribeConfigsResource resource;
  resource.resource_type = kBrokerResource;
  resource.resource_name = std::to_string(broker->id);
  resource.configuration_keys.emplace();
  for (const auto& n : kNames) resource.configuration_keys->emplace_back(n.kafka);
  request.resources.push_back(std::move(resource));
  request.include_documentation = true;
  auto response = WireCall<DescribeConfigsRequest, DescribeConfigsResponse>(
      client.config(), broker->host, broker->port, request, kDescribeConfigsVersion,
      client.timeout());
  if (!response) return Err(response.error());
  if (response->results.empty()) return Err(Status::Corruption("DescribeConfigs: no result"));
  const auto& result = response->results.front();
  if (result.error_code != 0) {
    return Err(Status::InvalidArgument(
        fmt::format("DescribeConfigs of broker {}: {}", broker->id,
                    result.error_message.value_or(fmt::format("error {}", result.error_code)))));
  }
  std::vector<KafkaProperty> out;
  for (const auto& c : result.configs) {
    std::string_view name = RedpandaNameOf(c.name);
    if (name.empty()) continue;
    out.push_back({.name = std::string(name),
                   .kafka_name = c.name,
                   .value = c.value,
                   .type = SchemaType(c.config_type),
                   .read_only = c.read_only,
                   .sensitive = c.is_sensitive,
                   .source = SourceName(c.config_source),
                   .documentation = c.documentation.value_or("")});
  }
  return out;
}

Json KafkaPropertyJson(const KafkaProperty& property) {
  if (!property.value) return nullptr;
  const std::string& v = *property.value;
  if (property.type == "boolean") return v == "true";
  if (property.type == "integer" || property.type == "number") {
    Json parsed = Json::parse(v, nullptr, false);
    if (parsed.is_number()) return parsed;
  }
  return v;
}

Status AlterKafkaClusterDefaults(
    Client& client,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  Result<BrokerInfo> broker = AnyBroker(client);
  if (!broker) return broker.error();
  IncrementalAlterConfigsRequest request;
  IncrementalAlterConfigsRequest::AlterConfigsResource resource;
  resource.resource_type = kBrokerResource;
  resource.resource_name = "";  // the cluster-wide default
  for (const auto& [name, value] : changes) {
    IncrementalAlterConfigsRequest::AlterableConfig c;
    c.name = name;
    c.config_operation = value ? kOpSet : kOpDelete;
    c.value = value;
    resource.configs.push_back(std::move(c));
  }
  request.resources.push_back(std::move(resource));
  auto response = WireCall<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
      client.config(), broker->host, broker->port, request, kIncrementalAlterConfigsVersion,
      client.timeout());
  if (!response) return response.error();
  for (const auto& r : response->responses) {
    if (r.error_code != 0) {
      return Status::InvalidArgument(
          r.error_message.value_or(fmt::format("IncrementalAlterConfigs error {}", r.error_code)));
    }
  }
  return Status::OK();
}

}  // namespace client
}  // namespace kpk::cli
