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
// A partition's leader, epoch, replicas, ISR and (when any) offline replicas, as the JSON of
// `topic list -d` and `topic describe -p` have them.
Json PartitionJson(const client::PartitionInfo& p);
Json TopicsJson(const std::vector<client::TopicInfo>& topics, bool internal, bool detailed);

}  // namespace client
}  // namespace kpk::cli
