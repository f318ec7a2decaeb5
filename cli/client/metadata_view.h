// Text and JSON views of cluster metadata shared by `cluster info` and `topic list`, in
// rpk's shapes: BROKERS (controller marked '*') and TOPICS (NAME PARTITIONS REPLICAS, or the
// per-partition detail with -d).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client/kafka_client.h"
#include "cli/format/output.h"

namespace kpk::cli {
inline namespace client {

std::string RenderBrokers(const client::ClusterMetadata& md);
// Topics sorted by name; internal topics only when `internal`.
std::string RenderTopics(const std::vector<client::TopicInfo>& topics, bool internal,
                         bool detailed);

Json BrokersJson(const client::ClusterMetadata& md);
// rpk's `topic list` documents (topic/list.go): []summarizedList {name, partitions, replicas},
// or with -d []detailedListTopic {..., partition_list: []detailedListPartition}. Sorted by name.
// `format` matters because rpk's Go tags differ between JSON and YAML (epoch is omitempty in
// JSON only, and an unset offline_replicas is JSON null but YAML []).
Json TopicsJson(const std::vector<client::TopicInfo>& topics, bool internal, bool detailed,
                OutputFormat format);
// What `--format help` prints for them (rpk's formatType over those structs).
std::string TopicsShape(bool detailed);
// rpk prints a Kafka error as kerr's "NAME: description".
std::string KafkaErrorText(rd_kafka_resp_err_t err);

}  // namespace client
}  // namespace kpk::cli
