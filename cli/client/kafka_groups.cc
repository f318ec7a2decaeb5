#include "cli/client/kafka_groups.h"

#include <algorithm>
#include <set>

#include "cli/client/kafka_owned_array.h"

namespace kpk::cli {
inline namespace client {
namespace {

std::vector<TopicPartition> ToPartitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; list != nullptr && i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  return out;
}

std::vector<PartitionOffset> ToOffsets(const rd_kafka_topic_partition_list_t* list) {
  std::vector<PartitionOffset> out;
  for (int i = 0; list != nullptr && i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    out.push_back({p.topic, p.partition, p.offset, p.err});
  }
  return out;
}

// The single group result of a group-offsets request: its error or its partitions.
Result<std::vector<PartitionOffset>> GroupOffsetsResult(const rd_kafka_group_result_t** groups,
                                                        size_t count) {
  if (count != 1) return Err(Status::IOError("unexpected number of groups in the response"));
  if (const rd_kafka_error_t* err = rd_kafka_group_result_error(groups[0])) {
    return Err(
        Status::IOError(std::string(rd_kafka_error_name(err)) + ": " + rd_kafka_error_string(err)));
  }
  return ToOffsets(rd_kafka_group_result_partitions(groups[0]));
}

PartitionListPtr ToList(const std::vector<PartitionOffset>& offsets) {
  PartitionListPtr list = NewPartitionList(static_cast<int>(offsets.size()));
  for (const PartitionOffset& p : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset = p.offset;
  }
  return list;
}

}  // namespace

Result<std::vector<GroupListing>> ListGroups(Client& client) {
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, false,
                        [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_ListConsumerGroups(rk, o, q);
                        });
  if (!event) return Err(event.error());
  const rd_kafka_ListConsumerGroups_result_t* result =
      rd_kafka_event_ListConsumerGroups_result(event->get());
  size_t error_count = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
  size_t count = 0;
  const rd_kafka_ConsumerGroupListing_t** groups =
      rd_kafka_ListConsumerGroups_result_valid(result, &count);
  if (count == 0 && error_count > 0) {
    return Err(Status::IOError(rd_kafka_error_string(errors[0])));
  }
  std::vector<GroupListing> out;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(
        {rd_kafka_ConsumerGroupListing_group_id(groups[i]),
         rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(groups[i])),
         rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]) != 0});
  }
  std::sort(out.begin(), out.end(),
            [](const GroupListing& a, const GroupListing& b) { return a.group < b.group; });
  return out;
}

Result<std::vector<GroupDescription>> DescribeGroups(Client& client,
                                                     const std::vector<std::string>& groups) {
  std::vector<const char*> names;
  for (const std::string& g : groups) names.push_back(g.c_str());
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DescribeConsumerGroups(rk, names.data(), names.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t** descs = rd_kafka_DescribeConsumerGroups_result_groups(
      rd_kafka_event_DescribeConsumerGroups_result(event->get()), &count);
  std::vector<GroupDescription> out;
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_ConsumerGroupDescription_t* d = descs[i];
    GroupDescription g;
    g.result.name = rd_kafka_ConsumerGroupDescription_group_id(d);
    if (const rd_kafka_error_t* err = rd_kafka_ConsumerGroupDescription_error(d)) {
      g.result.err = rd_kafka_error_code(err);
      g.result.message = rd_kafka_error_string(err);
    }
    g.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d));
    if (const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(d)) {
      g.protocol = assignor;
    }
    if (const rd_kafka_Node_t* node = rd_kafka_ConsumerGroupDescription_coordinator(d)) {
      g.coordinator = rd_kafka_Node_id(node);
    }
    for (size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(d); ++m) {
      const rd_kafka_MemberDescription_t* md = rd_kafka_ConsumerGroupDescription_member(d, m);
      GroupMember member;
      member.member_id = rd_kafka_MemberDescription_consumer_id(md);
      if (const char* id = rd_kafka_MemberDescription_group_instance_id(md))
        member.instance_id = id;
      member.client_id = rd_kafka_MemberDescription_client_id(md);
      member.host = rd_kafka_MemberDescription_host(md);
      member.assignment = ToPartitions(
          rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(md)));
      g.members.push_back(std::move(member));
    }
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<PartitionOffset>> ListGroupOffsets(Client& client, const std::string& group) {
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, o, q);
                        });
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &count);
  auto offsets = GroupOffsetsResult(groups, count);
  if (offsets)
    std::erase_if(*offsets, [](const PartitionOffset& p) { return p.offset < 0 && !p.err; });
  return offsets;
}

Result<std::vector<PartitionOffset>> AlterGroupOffsets(
    Client& client, const std::string& group, const std::vector<PartitionOffset>& offsets) {
  PartitionListPtr list = ToList(offsets);
  rd_kafka_AlterConsumerGroupOffsets_t* request =
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_AlterConsumerGroupOffsets(rk, &request, 1, o, q);
                        });
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
  return GroupOffsetsResult(groups, count);
}

Result<std::vector<ItemResult>> DeleteGroups(Client& client,
                                             const std::vector<std::string>& groups) {
  OwnedArray<rd_kafka_DeleteGroup_t, rd_kafka_DeleteGroup_destroy_array> specs;
  for (const std::string& g : groups) specs.push_back(rd_kafka_DeleteGroup_new(g.c_str()));
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DELETEGROUPS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DeleteGroups(rk, specs.data(), specs.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event->get()), &count);
  std::vector<ItemResult> out;
  for (size_t i = 0; i < count; ++i) {
    ItemResult r;
    r.name = rd_kafka_group_result_name(results[i]);
    if (const rd_kafka_error_t* err = rd_kafka_group_result_error(results[i])) {
      r.err = rd_kafka_error_code(err);
      r.message = rd_kafka_error_string(err);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<PartitionOffset>> DeleteGroupOffsets(
    Client& client, const std::string& group, const std::vector<TopicPartition>& partitions) {
  std::vector<PartitionOffset> as_offsets;
  for (const TopicPartition& tp : partitions) as_offsets.push_back({tp.topic, tp.partition, -1});
  PartitionListPtr list = ToList(as_offsets);
  OwnedArray<rd_kafka_DeleteConsumerGroupOffsets_t,
             rd_kafka_DeleteConsumerGroupOffsets_destroy_array>
      specs;
  specs.push_back(rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list.get()));
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DeleteConsumerGroupOffsets(rk, specs.data(), specs.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
      rd_kafka_event_DeleteConsumerGroupOffsets_result(event->get()), &count);
  return GroupOffsetsResult(groups, count);
}

std::vector<LagRow> ComputeLag(const GroupDescription* description,
                               const std::vector<PartitionOffset>& committed,
                               const std::map<TopicPartition, Watermarks>& watermarks) {
  std::map<TopicPartition, LagRow> rows;
  for (const PartitionOffset& c : committed) {
    LagRow& row = rows[{c.topic, c.partition}];
    row.tp = {c.topic, c.partition};
    if (c.err) {
      row.error = ErrorName(c.err);
    } else if (c.offset >= 0) {
      row.committed = c.offset;
    }
  }
  if (description != nullptr) {
    for (const GroupMember& m : description->members) {
      for (const TopicPartition& tp : m.assignment) {
        LagRow& row = rows[tp];
        row.tp = tp;
        row.member = &m;
      }
    }
  }
  std::vector<LagRow> out;
  for (auto& [tp, row] : rows) {
    if (auto it = watermarks.find(tp); it != watermarks.end()) {
      if (it->second.err) {
        row.error = ErrorName(it->second.err);
      } else {
        row.log_start = it->second.start;
        row.log_end = it->second.end;
        int64_t from = row.committed.value_or(row.log_start);
        if (row.log_end > 0) row.lag = std::max<int64_t>(0, row.log_end - from);
      }
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace client
}  // namespace kpk::cli
