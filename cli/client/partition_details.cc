#include "cli/client/partition_details.h"

#include <algorithm>
#include <optional>

#include "broker/protocol/generated/metadata_request.h"
#include "broker/protocol/generated/metadata_response.h"
#include "cli/client/wire_request.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace client {
namespace {

// Metadata v7 (the first with leader epochs) for `topics` (every topic if empty), never
// auto-creating, from the first broker of `md` that answers: one may have stopped since
// librdkafka's metadata.
std::optional<protocol::MetadataResponse> MetadataV7(const Client& client,
                                                     const ClusterMetadata& md,
                                                     const std::vector<std::string>& topics) {
  protocol::MetadataRequest request;
  if (!topics.empty()) {  // else null: every topic
    auto& wanted = request.topics.emplace();
    for (const std::string& name : topics) wanted.emplace_back().name = name;
  }
  request.allow_auto_topic_creation = false;
  for (const BrokerInfo& broker : md.brokers) {
    auto response = WireCall<protocol::MetadataRequest, protocol::MetadataResponse>(
        client.config(), broker.host, broker.port, request, 7, client.timeout());
    if (response) return std::move(*response);
    Debug("metadata v7 from broker {}: {}", broker.id, response.error().message());
  }
  return std::nullopt;
}

}  // namespace

bool AddPartitionDetails(const Client& client, ClusterMetadata& md,
                         const std::vector<std::string>& topics) {
  std::optional<protocol::MetadataResponse> response = MetadataV7(client, md, topics);
  if (!response) return false;
  for (const auto& t : response->topics) {
    if (t.error_code != 0 || !t.name) continue;
    auto topic = std::find_if(md.topics.begin(), md.topics.end(),
                              [&](const TopicInfo& info) { return info.name == *t.name; });
    if (topic == md.topics.end()) continue;
    for (const auto& p : t.partitions) {
      for (PartitionInfo& info : topic->partitions) {
        if (info.id != p.partition_index) continue;
        info.leader_epoch = p.leader_epoch;
        info.offline_replicas = p.offline_replicas;
        std::sort(info.offline_replicas.begin(), info.offline_replicas.end());
      }
    }
  }
  return true;
}

rd_kafka_resp_err_t AbsentTopicError(const Client& client, const ClusterMetadata& md,
                                     const std::string& topic) {
  const TopicInfo* listed = md.FindTopic(topic);
  if (listed != nullptr && listed->err) return listed->err;
  std::optional<protocol::MetadataResponse> response = MetadataV7(client, md, {topic});
  if (response) {
    for (const auto& t : response->topics) {
      if (t.name && *t.name == topic && t.error_code != 0) {
        return static_cast<rd_kafka_resp_err_t>(t.error_code);
      }
    }
  }
  return RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
}

}  // namespace client
}  // namespace kpk::cli
