// Consumer group admin over librdkafka: list, describe, committed offsets, seek (alter
// offsets), delete, offset delete; and the lag rows `group describe` prints.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/client/kafka_admin.h"
#include "cli/client/kafka_client.h"

namespace kpk::cli {
inline namespace client {

struct GroupListing {
  std::string group;
  std::string state;  // librdkafka's name: Stable, Empty, PreparingRebalance, ...
  bool simple = false;
};
Result<std::vector<GroupListing>> ListGroups(Client& client);

struct GroupMember {
  std::string member_id;
  std::string instance_id;
  std::string client_id;
  std::string host;
  std::vector<TopicPartition> assignment;
};

struct GroupDescription {
  ItemResult result;  // name = group id
  std::string state;
  std::string protocol;  // the partition assignor, e.g. range
  int32_t coordinator = -1;
  std::vector<GroupMember> members;
};
Result<std::vector<GroupDescription>> DescribeGroups(Client& client,
                                                     const std::vector<std::string>& groups);

// The group's committed offsets (all partitions it committed).
Result<std::vector<PartitionOffset>> ListGroupOffsets(Client& client, const std::string& group);
// Commits `offsets` for the group (which must have no active members); per-partition results.
Result<std::vector<PartitionOffset>> AlterGroupOffsets(Client& client, const std::string& group,
                                                       const std::vector<PartitionOffset>& offsets);
Result<std::vector<ItemResult>> DeleteGroups(Client& client,
                                             const std::vector<std::string>& groups);
// Deletes the group's commits for `partitions`; per-partition results (offset unused).
Result<std::vector<PartitionOffset>> DeleteGroupOffsets(
    Client& client, const std::string& group, const std::vector<TopicPartition>& partitions);

// One row of `group describe`: a partition the group commits to or is assigned.
struct LagRow {
  TopicPartition tp;
  std::optional<int64_t> committed;
  int64_t log_start = -1;
  int64_t log_end = -1;
  std::optional<int64_t> lag;  // nullopt when the partition never had a record
  const GroupMember* member = nullptr;
  std::string error;
};

// Rows for every committed or assigned partition, sorted by topic and partition. Lag counts
// from the commit, or from the log start when nothing is committed (as kadm does).
std::vector<LagRow> ComputeLag(const GroupDescription* description,
                               const std::vector<PartitionOffset>& committed,
                               const std::map<TopicPartition, Watermarks>& watermarks);

}  // namespace client
}  // namespace kpk::cli
