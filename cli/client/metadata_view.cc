#include "cli/client/metadata_view.h"

#include <algorithm>

#include <fmt/core.h>

#include "cli/format/output.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace client {
namespace {

bool AnyPartitionError(const client::TopicInfo& topic) {
  for (const auto& p : topic.partitions) {
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  }
  return false;
}

std::string RenderTopicDetail(const client::TopicInfo& topic) {
  std::string out = topic.name;
  if (topic.internal) out += " (internal)";
  out += fmt::format(", {} partitions", topic.partitions.size());
  if (!topic.partitions.empty()) out += fmt::format(", {} replicas", topic.ReplicationFactor());
  out += "\n";
  // As rpk: EPOCH when some leader epoch is known, OFFLINE-REPLICAS and LOAD-ERROR when some
  // partition has them. The empty first column indents the nested table, as rpk does.
  bool use_epoch = false, use_offline = false, use_err = AnyPartitionError(topic);
  for (const auto& p : topic.partitions) {
    use_epoch |= p.leader_epoch != -1;
    use_offline |= !p.offline_replicas.empty();
  }
  std::vector<std::string> headers = {"", "partition", "leader"};
  if (use_epoch) headers.push_back("epoch");
  headers.push_back("replicas");
  if (use_offline) headers.push_back("offline-replicas");
  if (use_err) headers.push_back("load-error");
  Table table(headers);
  for (const auto& p : topic.partitions) {
    std::vector<std::string> row = {"", std::to_string(p.id), std::to_string(p.leader)};
    if (use_epoch) row.push_back(std::to_string(p.leader_epoch));
    row.push_back(FormatIdList(p.replicas));
    if (use_offline) row.push_back(FormatIdList(p.offline_replicas));
    if (use_err) row.push_back(p.err ? client::ErrorText(p.err) : "-");
    table.AddRow(std::move(row));
  }
  return out + table.Render();
}

}  // namespace

std::string RenderBrokers(const client::ClusterMetadata& md) {
  Table table({"id", "host", "port"});
  for (const auto& b : md.brokers) {
    std::string id = std::to_string(b.id);
    if (b.id == md.controller_id) id += "*";
    table.AddRow({id, b.host, std::to_string(b.port)});
  }
  return table.Render();
}

std::string RenderTopics(const std::vector<client::TopicInfo>& topics, bool internal,
                         bool detailed) {
  if (!detailed) {
    Table table({"name", "partitions", "replicas"});
    for (const auto& t : topics) {
      if (t.internal && !internal) continue;
      table.AddRow(
          {t.name, std::to_string(t.partitions.size()), std::to_string(t.ReplicationFactor())});
    }
    return table.Render();
  }
  std::string out;
  for (const auto& t : topics) {
    if (t.internal && !internal) continue;
    if (!out.empty()) out += "\n";
    out += RenderTopicDetail(t);
  }
  return out;
}

Json BrokersJson(const client::ClusterMetadata& md) {
  Json brokers = Json::array();
  for (const auto& b : md.brokers) {
    brokers.push_back({{"id", b.id},
                       {"host", b.host},
                       {"port", b.port},
                       {"controller", b.id == md.controller_id}});
  }
  return brokers;
}

std::string KafkaErrorText(rd_kafka_resp_err_t err) {
  return client::ErrorName(err) + ": " + client::ErrorText(err);
}

namespace {

// A Go nil []int32: null in encoding/json, [] in yaml.v3.
Json GoIds(const std::vector<int32_t>& ids, OutputFormat format) {
  if (ids.empty() && format == OutputFormat::kJson) return Json(nullptr);
  return Json(ids);
}

Json DetailedPartitionJson(const client::PartitionInfo& p, OutputFormat format) {
  std::vector<int32_t> replicas = p.replicas;
  std::sort(replicas.begin(), replicas.end());
  Json part = {{"partition", p.id}, {"leader", p.leader}};
  // rpk leaves Epoch 0 when the broker reports none (-1); `json:"epoch,omitempty"`.
  int32_t epoch = p.leader_epoch < 0 ? 0 : p.leader_epoch;
  if (epoch != 0 || format != OutputFormat::kJson) part["epoch"] = epoch;
  part["replicas"] = replicas;
  part["offline_replicas"] = GoIds(p.offline_replicas, format);
  part["load_error"] = p.err ? KafkaErrorText(p.err) : "";
  return part;
}

}  // namespace

Json TopicsJson(const std::vector<client::TopicInfo>& topics, bool internal, bool detailed,
                OutputFormat format) {
  std::vector<const client::TopicInfo*> sorted;
  for (const auto& t : topics) {
    if (!t.internal || internal) sorted.push_back(&t);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  Json out = Json::array();
  for (const client::TopicInfo* t : sorted) {
    Json topic = {{"name", t->name},
                  {"partitions", t->partitions.size()},
                  {"replicas", t->partitions.empty() ? 0 : t->ReplicationFactor()}};
    if (detailed) {
      std::vector<const client::PartitionInfo*> parts;
      for (const auto& p : t->partitions) parts.push_back(&p);
      std::sort(parts.begin(), parts.end(),
                [](const auto* a, const auto* b) { return a->id < b->id; });
      // rpk allocates partition_list only for a topic with partitions: else Go's nil slice.
      Json list = parts.empty() ? GoIds({}, format) : Json::array();
      for (const client::PartitionInfo* p : parts)
        list.push_back(DetailedPartitionJson(*p, format));
      topic["partition_list"] = std::move(list);
    }
    out.push_back(std::move(topic));
  }
  return out;
}

std::string TopicsShape(bool detailed) {
  std::string shape =
      "[]{\n"
      "  name: string\n"
      "  partitions: int\n"
      "  replicas: int\n";
  if (detailed) {
    // rpk itself panics here (its epoch field has different json and yaml tags, which its
    // formatType refuses); kpk prints the shape with the JSON tag.
    shape +=
        "  partition_list: []{\n"
        "    partition: int32\n"
        "    leader: int32\n"
        "    epoch: int32,omitempty\n"
        "    replicas: []int32\n"
        "    offline_replicas: []int32\n"
        "    load_error: string\n"
        "  }\n";
  }
  return shape + "}";
}

}  // namespace client
}  // namespace kpk::cli
