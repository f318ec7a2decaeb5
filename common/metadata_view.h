// Text and JSON views of cluster metadata shared by `cluster info` and `topic list`, in
// rpk's shapes: BROKERS (controller marked '*') and TOPICS (NAME PARTITIONS REPLICAS, or the
// per-partition detail with -d).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/kafka_client.h"
#include "common/output.h"

namespace kpk {

std::string RenderBrokers(const kafka::ClusterMetadata& md);
// Topics sorted by name; internal topics only when `internal`.
std::string RenderTopics(const std::vector<kafka::TopicInfo>& topics, bool internal, bool detailed);

Json BrokersJson(const kafka::ClusterMetadata& md);
Json TopicsJson(const std::vector<kafka::TopicInfo>& topics, bool internal, bool detailed);

}  // namespace kpk
