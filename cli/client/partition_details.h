// What Metadata v7+ says beyond librdkafka 2.0's view: leader epochs and offline replicas,
// which rpk's partition tables show (EPOCH, OFFLINE-REPLICAS), and why a topic is absent.
#pragma once

#include <string>
#include <vector>

#include "cli/client/kafka_client.h"

namespace kpk::cli {
inline namespace client {

// Fills PartitionInfo::leader_epoch and offline_replicas of `topics` (every topic in `md` if
// empty) with kpk's own Metadata v7 request to the first broker that answers. Plain
// connections only (TLS and SASL are not spoken by the wire client): otherwise, or if no
// broker answers within the client's timeout, nothing is filled and false is returned.
bool AddPartitionDetails(const Client& client, ClusterMetadata& md,
                         const std::vector<std::string>& topics = {});

// Why `topic`, absent from `md` (or listed with an error), is absent. A listing of every topic
// leaves out those the principal may not describe, so the topic is asked for by name, as Kafka
// then answers TOPIC_AUTHORIZATION_FAILED; never auto-created. UNKNOWN_TOPIC_OR_PART when no
// broker says more.
rd_kafka_resp_err_t AbsentTopicError(const Client& client, const ClusterMetadata& md,
                                     const std::string& topic);

}  // namespace client
}  // namespace kpk::cli
