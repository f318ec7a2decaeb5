// Where a consumer starts and stops on each partition: the -o offset spec resolved against
// the partitions' watermarks (and timestamps), with empty ranges dropped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/client/kafka_client.h"
#include "cli/format/offset_spec.h"

namespace kpk::cli {
inline namespace client {

struct PartitionPlan {
  TopicPartition tp;
  int64_t start = 0;
  std::optional<int64_t> end;  // exclusive
};

// Plans `partitions` (all of each topic when empty) of `topics`, which must exist in `md`.
// Errors name the topic or partition that is missing or could not be listed.
Result<std::vector<PartitionPlan>> PlanConsume(Client& client, const ClusterMetadata& md,
                                               const std::vector<std::string>& topics,
                                               const std::vector<int32_t>& partitions,
                                               const OffsetSpec& spec);

}  // namespace client
}  // namespace kpk::cli
