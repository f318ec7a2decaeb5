// What Metadata v7+ says about partitions beyond librdkafka 2.0's view: leader epochs and
// offline replicas, which rpk's partition tables show (EPOCH, OFFLINE-REPLICAS).
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

}  // namespace client
}  // namespace kpk::cli
