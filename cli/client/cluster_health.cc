#include "cli/client/cluster_health.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace kpk::cli {
inline namespace client {
namespace {

template <typename T>
std::vector<T> SortedList(const nlohmann::json& j, const char* key) {
  std::vector<T> out;
  if (j.contains(key) && j[key].is_array()) out = j[key].get<std::vector<T>>();
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<int64_t> OptionalInt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
  return j[key].get<int64_t>();
}

std::string PartitionName(const std::string& topic, int32_t partition) {
  return fmt::format("kafka/{}/{}", topic, partition);
}

// Go's %v of a slice: "[a b c]".
template <typename T>
std::string GoList(const std::vector<T>& items) {
  return fmt::format("[{}]", fmt::join(items, " "));
}

}  // namespace

Result<HealthOverview> HealthOverviewFromJson(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("is_healthy") || !j["is_healthy"].is_boolean()) {
    return Err(Status::Corruption("the health overview is not the Admin API's JSON object"));
  }
  try {
    HealthOverview h;
    h.is_healthy = j["is_healthy"].get<bool>();
    h.unhealthy_reasons = SortedList<std::string>(j, "unhealthy_reasons");
    h.controller_id = j.value("controller_id", -1);
    h.all_nodes = SortedList<int32_t>(j, "all_nodes");
    h.nodes_down = SortedList<int32_t>(j, "nodes_down");
    h.nodes_in_recovery_mode = SortedList<int32_t>(j, "nodes_in_recovery_mode");
    h.leaderless_partitions = SortedList<std::string>(j, "leaderless_partitions");
    h.leaderless_count = OptionalInt(j, "leaderless_count");
    h.under_replicated_partitions = SortedList<std::string>(j, "under_replicated_partitions");
    h.under_replicated_count = OptionalInt(j, "under_replicated_count");
    return h;
  } catch (const nlohmann::json::exception& e) {
    return Err(Status::Corruption(fmt::format("malformed health overview: {}", e.what())));
  }
}

HealthOverview HealthFromMetadata(const ClusterMetadata& md) {
  HealthOverview h;
  std::set<int32_t> live;
  for (const auto& b : md.brokers) live.insert(b.id);
  std::set<int32_t> all = live;
  std::set<int32_t> down;
  int64_t leaderless = 0;
  int64_t under_replicated = 0;
  for (const auto& topic : md.topics) {
    for (const auto& p : topic.partitions) {
      for (int32_t r : p.replicas) {
        all.insert(r);
        if (!live.contains(r)) down.insert(r);
      }
      if (p.leader < 0 || !live.contains(p.leader)) {
        ++leaderless;
        h.leaderless_partitions.push_back(PartitionName(topic.name, p.id));
      }
      if (p.isrs.size() < p.replicas.size()) {
        ++under_replicated;
        h.under_replicated_partitions.push_back(PartitionName(topic.name, p.id));
      }
    }
  }
  std::sort(h.leaderless_partitions.begin(), h.leaderless_partitions.end());
  std::sort(h.under_replicated_partitions.begin(), h.under_replicated_partitions.end());
  h.all_nodes.assign(all.begin(), all.end());
  h.nodes_down.assign(down.begin(), down.end());
  h.leaderless_count = leaderless;
  h.under_replicated_count = under_replicated;
  h.controller_id = live.contains(md.controller_id) ? md.controller_id : -1;
  if (!md.cluster_id.empty()) h.cluster_uuid = md.cluster_id;
  // Redpanda's reasons, in its order.
  if (!h.nodes_down.empty()) h.unhealthy_reasons.emplace_back("nodes_down");
  if (leaderless > 0) h.unhealthy_reasons.emplace_back("leaderless_partitions");
  if (under_replicated > 0) h.unhealthy_reasons.emplace_back("under_replicated_partitions");
  if (h.controller_id < 0) h.unhealthy_reasons.emplace_back("no_elected_controller");
  std::sort(h.unhealthy_reasons.begin(), h.unhealthy_reasons.end());
  h.is_healthy = h.unhealthy_reasons.empty();
  return h;
}

std::string RenderHealthOverview(const HealthOverview& h) {
  auto listed = [](std::vector<std::string> items, const std::optional<int64_t>& count) {
    // Redpanda truncates its lists (128 entries); rpk says so.
    if (count && *count > static_cast<int64_t>(items.size())) items.push_back("...truncated");
    return GoList(items);
  };
  auto label = [](std::string_view name, const std::optional<int64_t>& count) {
    return count ? fmt::format("{} ({}):", name, *count) : fmt::format("{}:", name);
  };
  Table table;
  table.AddRow({"Healthy:", h.is_healthy ? "true" : "false"});
  table.AddRow({"Unhealthy reasons:", GoList(h.unhealthy_reasons)});
  table.AddRow({"Controller ID:", std::to_string(h.controller_id)});
  table.AddRow({"All nodes:", GoList(h.all_nodes)});
  table.AddRow({"Nodes down:", GoList(h.nodes_down)});
  table.AddRow({"Nodes in recovery mode:", GoList(h.nodes_in_recovery_mode)});
  table.AddRow({label("Leaderless partitions", h.leaderless_count),
                listed(h.leaderless_partitions, h.leaderless_count)});
  table.AddRow({label("Under-replicated partitions", h.under_replicated_count),
                listed(h.under_replicated_partitions, h.under_replicated_count)});
  if (h.cluster_uuid) table.AddRow({"Cluster UUID:", *h.cluster_uuid});
  return SectionHeader("cluster health overview") + table.Render();
}

Json HealthOverviewJson(const HealthOverview& h) {
  Json j;
  if (h.cluster_uuid) j["cluster_uuid"] = *h.cluster_uuid;
  j["is_healthy"] = h.is_healthy;
  j["unhealthy_reasons"] = h.unhealthy_reasons;
  j["controller_id"] = h.controller_id;
  j["all_nodes"] = h.all_nodes;
  j["nodes_down"] = h.nodes_down;
  j["nodes_in_recovery_mode"] = h.nodes_in_recovery_mode;
  j["leaderless_partitions"] = h.leaderless_partitions;
  if (h.leaderless_count) j["leaderless_count"] = *h.leaderless_count;
  if (h.under_replicated_count) j["under_replicated_count"] = *h.under_replicated_count;
  j["under_replicated_partitions"] = h.under_replicated_partitions;
  return j;
}

}  // namespace client
}  // namespace kpk::cli
