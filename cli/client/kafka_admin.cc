#include "cli/client/kafka_admin.h"

#include <algorithm>
#include <memory>

#include <fmt/core.h>

#include "cli/client/kafka_owned_array.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace client {
namespace {

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;

std::vector<ItemResult> TopicResults(const rd_kafka_topic_result_t** results, size_t count) {
  std::vector<ItemResult> out;
  for (size_t i = 0; i < count; ++i) {
    ItemResult r;
    r.name = rd_kafka_topic_result_name(results[i]);
    r.err = rd_kafka_topic_result_error(results[i]);
    if (r.err) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      r.message = msg != nullptr && *msg != '\0' ? msg : ErrorText(r.err);
    }
    out.push_back(std::move(r));
  }
  return out;
}

ItemResult ResourceResult(const rd_kafka_ConfigResource_t* res) {
  ItemResult r;
  r.name = rd_kafka_ConfigResource_name(res);
  r.err = rd_kafka_ConfigResource_error(res);
  if (r.err) {
    const char* msg = rd_kafka_ConfigResource_error_string(res);
    r.message = msg != nullptr && *msg != '\0' ? msg : ErrorText(r.err);
  }
  return r;
}

}  // namespace

Result<EventPtr> RunAdmin(Client& client, rd_kafka_admin_op_t op, bool validate_only,
                          const AdminIssuer& issue) {
  if (Status s = client.EnsureConnected(); !s.ok()) return Err(s);
  rd_kafka_t* rk = client.get();
  char errstr[512];
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk, op));
  int timeout_ms = static_cast<int>(client.timeout().count());
  rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr, sizeof errstr);
  // Only some requests have a broker-side operation timeout; the others reject it, harmlessly.
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, errstr, sizeof errstr);
  if (validate_only &&
      rd_kafka_AdminOptions_set_validate_only(options.get(), 1, errstr, sizeof errstr)) {
    return Err(Status::InvalidArgument(errstr));
  }
  QueuePtr queue(rd_kafka_queue_new(rk));
  issue(rk, options.get(), queue.get());
  // The request's own timeout fires first; the margin covers local queueing.
  EventPtr event(rd_kafka_queue_poll(queue.get(), timeout_ms + 2000));
  if (!event) {
    return Err(Status::TimedOut(fmt::format("no response within {} ms", timeout_ms)));
  }
  if (rd_kafka_resp_err_t err = rd_kafka_event_error(event.get()); err) {
    const char* msg = rd_kafka_event_error_string(event.get());
    return Err(Status::IOError(msg != nullptr ? msg : ErrorText(err)));
  }
  return event;
}

Result<std::vector<ItemResult>> CreateTopics(Client& client,
                                             const std::vector<NewTopicSpec>& topics,
                                             bool validate_only) {
  OwnedArray<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy_array> specs;
  char errstr[512];
  for (const NewTopicSpec& t : topics) {
    rd_kafka_NewTopic_t* spec =
        rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication, errstr, sizeof errstr);
    if (spec == nullptr) return Err(Status::InvalidArgument(errstr));
    specs.push_back(spec);
    for (const auto& [key, value] : t.configs) {
      rd_kafka_NewTopic_set_config(spec, key.c_str(), value.c_str());
    }
  }
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_CREATETOPICS, validate_only,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_CreateTopics(rk, specs.data(), specs.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &count);
  return TopicResults(results, count);
}

Result<std::vector<ItemResult>> DeleteTopics(Client& client,
                                             const std::vector<std::string>& topics) {
  OwnedArray<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy_array> specs;
  for (const std::string& t : topics) specs.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DELETETOPICS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DeleteTopics(rk, specs.data(), specs.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event->get()), &count);
  return TopicResults(results, count);
}

Result<std::vector<ItemResult>> CreatePartitions(
    Client& client, const std::vector<std::pair<std::string, int>>& totals, bool validate_only) {
  OwnedArray<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy_array> specs;
  char errstr[512];
  for (const auto& [topic, total] : totals) {
    rd_kafka_NewPartitions_t* spec = rd_kafka_NewPartitions_new(
        topic.c_str(), static_cast<size_t>(total), errstr, sizeof errstr);
    if (spec == nullptr) return Err(Status::InvalidArgument(errstr));
    specs.push_back(spec);
  }
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, validate_only,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_CreatePartitions(rk, specs.data(), specs.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(
      rd_kafka_event_CreatePartitions_result(event->get()), &count);
  return TopicResults(results, count);
}

Result<std::vector<ResourceConfig>> DescribeTopicConfigs(Client& client,
                                                         const std::vector<std::string>& topics) {
  OwnedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy_array> resources;
  for (const std::string& t : topics) {
    resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
  }
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** results = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event->get()), &count);
  std::vector<ResourceConfig> out;
  for (size_t i = 0; i < count; ++i) {
    ResourceConfig rc;
    rc.result = ResourceResult(results[i]);
    size_t n = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(results[i], &n);
    for (size_t e = 0; e < n; ++e) {
      ConfigEntry entry;
      entry.name = rd_kafka_ConfigEntry_name(entries[e]);
      if (const char* v = rd_kafka_ConfigEntry_value(entries[e])) entry.value = v;
      entry.source = rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(entries[e]));
      entry.sensitive = rd_kafka_ConfigEntry_is_sensitive(entries[e]);
      entry.read_only = rd_kafka_ConfigEntry_is_read_only(entries[e]);
      entry.is_default = rd_kafka_ConfigEntry_is_default(entries[e]);
      rc.entries.push_back(std::move(entry));
    }
    std::sort(rc.entries.begin(), rc.entries.end(),
              [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
    out.push_back(std::move(rc));
  }
  return out;
}

Result<std::vector<ItemResult>> AlterTopicConfigs(Client& client,
                                                  const std::vector<TopicConfigSet>& sets,
                                                  bool validate_only) {
  OwnedArray<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy_array> resources;
  for (const TopicConfigSet& set : sets) {
    rd_kafka_ConfigResource_t* res =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, set.topic.c_str());
    resources.push_back(res);
    for (const auto& [key, value] : set.configs) {
      rd_kafka_ConfigResource_set_config(res, key.c_str(), value.c_str());
    }
  }
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, validate_only,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_AlterConfigs(rk, resources.data(), resources.size(), o, q);
                        });
  if (!event) return Err(event.error());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** results = rd_kafka_AlterConfigs_result_resources(
      rd_kafka_event_AlterConfigs_result(event->get()), &count);
  std::vector<ItemResult> out;
  for (size_t i = 0; i < count; ++i) out.push_back(ResourceResult(results[i]));
  return out;
}

Result<std::vector<PartitionOffset>> DeleteRecords(Client& client,
                                                   const std::vector<PartitionOffset>& before) {
  PartitionListPtr list = NewPartitionList(static_cast<int>(before.size()));
  for (const PartitionOffset& p : before) {
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset = p.offset;
  }
  rd_kafka_DeleteRecords_t* spec = rd_kafka_DeleteRecords_new(list.get());
  auto event = RunAdmin(client, RD_KAFKA_ADMIN_OP_DELETERECORDS, false,
                        [&](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                          rd_kafka_DeleteRecords(rk, &spec, 1, o, q);
                        });
  rd_kafka_DeleteRecords_destroy(spec);
  if (!event) return Err(event.error());
  const rd_kafka_topic_partition_list_t* offsets =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event->get()));
  std::vector<PartitionOffset> out;
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = offsets->elems[i];
    out.push_back({p.topic, p.partition, p.offset, p.err});
  }
  return out;
}

}  // namespace client
}  // namespace kpk::cli
