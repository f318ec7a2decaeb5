#include "cli/client/metadata_view.h"

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

Json PartitionJson(const client::PartitionInfo& p) {
  Json part = {{"partition", p.id},
               {"leader", p.leader},
               {"leader_epoch", p.leader_epoch},
               {"replicas", p.replicas},
               {"isr", p.isrs}};
  if (!p.offline_replicas.empty()) part["offline_replicas"] = p.offline_replicas;
  return part;
}

Json TopicsJson(const std::vector<client::TopicInfo>& topics, bool internal, bool detailed) {
  Json out = Json::array();
  for (const auto& t : topics) {
    if (t.internal && !internal) continue;
    Json topic = {{"name", t.name},
                  {"internal", t.internal},
                  {"partitions", t.partitions.size()},
                  {"replicas", t.ReplicationFactor()}};
    if (detailed) {
      Json parts = Json::array();
      for (const auto& p : t.partitions) {
        Json part = PartitionJson(p);
        if (p.err) part["error"] = client::ErrorText(p.err);
        parts.push_back(std::move(part));
      }
      topic["partition_details"] = std::move(parts);
    }
    out.push_back(std::move(topic));
  }
  return out;
}

}  // namespace client
}  // namespace kpk::cli
