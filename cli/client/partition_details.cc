#include "cli/client/partition_details.h"

#include <algorithm>

#include "broker/protocol/generated/metadata_request.h"
#include "broker/protocol/generated/metadata_response.h"
#include "cli/client/wire_request.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace client {

bool AddPartitionDetails(const Client& client, ClusterMetadata& md,
                         const std::vector<std::string>& topics) {
  constexpr int16_t kMetadataVersion = 7;  // the first with leader epochs
  const ConnectionConfig& cfg = client.config();
  protocol::MetadataRequest request;
  if (!topics.empty()) {  // else null: every topic
    auto& wanted = request.topics.emplace();
    for (const std::string& name : topics) wanted.emplace_back().name = name;
  }
  request.allow_auto_topic_creation = false;
  // Any broker answers; one may have stopped since librdkafka's metadata.
  for (const BrokerInfo& broker : md.brokers) {
    auto response = WireCall<protocol::MetadataRequest, protocol::MetadataResponse>(
        cfg, broker.host, broker.port, request, kMetadataVersion, client.timeout());
    if (!response) {
      Debug("partition details from broker {}: {}", broker.id, response.error().message());
      continue;
    }
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
  return false;
}

rd_kafka_resp_err_t AbsentTopicError(const Client& client, const ClusterMetadata& md,
                                     const std::string& topic) {
  const TopicInfo* listed = md.FindTopic(topic);
  if (listed != nullptr && listed->err) return listed->err;
  protocol::MetadataRequest request;
  request.topics.emplace().emplace_back().name = topic;
  request.allow_auto_topic_creation = false;
  for (const BrokerInfo& broker : md.brokers) {
    auto response = WireCall<protocol::MetadataRequest, protocol::MetadataResponse>(
        client.config(), broker.host, broker.port, request, 7, client.timeout());
    if (!response) continue;
    for (const auto& t : response->topics) {
      if (t.name && *t.name == topic && t.error_code != 0) {
        return static_cast<rd_kafka_resp_err_t>(t.error_code);
      }
    }
    break;
  }
  return RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
}

}  // namespace client
}  // namespace kpk::cli
