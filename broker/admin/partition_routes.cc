// Partition routes: where each partition's replicas are and who leads it. kpk is one node
// with one event loop (Redpanda's "core" 0), so that node holds and leads every partition;
// the topics themselves are read on the event loop.
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker/admin/admin_routes.h"
#include "broker/admin/http_server.h"

namespace kpk::broker::admin {
namespace {

using nlohmann::json;

// Kafka topics live in Redpanda's "kafka" namespace; kpk has no internal namespaces.
constexpr std::string_view kKafkaNamespace = "kafka";

struct PartitionRow {
  std::string topic;
  int32_t partition;
  int64_t group_id;  // Redpanda's raft group: kpk numbers partitions in (topic, partition) order
};

json Replicas(int32_t node_id) { return json::array({{{"node_id", node_id}, {"core", 0}}}); }

// /v1/cluster/partitions' model.
json ClusterPartitionJson(const PartitionRow& row, int32_t node_id) {
  return {{"ns", kKafkaNamespace},         {"topic", row.topic},
          {"partition_id", row.partition}, {"leader_id", node_id},
          {"replicas", Replicas(node_id)}, {"disabled", false}};
}

// /v1/partitions' model; "done": no reconfiguration in progress.
json PartitionJson(const PartitionRow& row, int32_t node_id) {
  return {{"ns", kKafkaNamespace},         {"topic", row.topic},
          {"partition_id", row.partition}, {"status", "done"},
          {"leader_id", node_id},          {"raft_group_id", row.group_id},
          {"replicas", Replicas(node_id)}, {"disabled", false}};
}

// Every partition, on the event loop; nullopt when the loop did not answer.
std::optional<std::vector<PartitionRow>> AllPartitions(const RouteContext& context) {
  std::string text = context.run_on_loop([&context] {
    json rows = json::array();
    const Topics* topics = context.topics ? context.topics() : nullptr;
    if (topics == nullptr) return rows.dump();
    for (const storage::TopicMetadata& t : topics->List()) {
      rows.push_back({t.name, t.partitions});
    }
    return rows.dump();
  });
  if (text.empty()) return std::nullopt;
  std::vector<std::pair<std::string, int32_t>> topics;
  for (const json& t : json::parse(text)) {
    topics.emplace_back(t[0].get<std::string>(), t[1].get<int32_t>());
  }
  std::sort(topics.begin(), topics.end());
  std::vector<PartitionRow> rows;
  int64_t group_id = 0;
  for (const auto& [name, count] : topics) {
    for (int32_t p = 0; p < count; ++p) rows.push_back({name, p, ++group_id});
  }
  return rows;
}

std::optional<int32_t> ParsePartition(const std::string& text) {
  int32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 0) return std::nullopt;
  return id;
}

bool WantsDisabledOnly(const HttpRequest& request) {
  std::optional<std::string> disabled = request.Query("disabled");
  return disabled && (*disabled == "true" || *disabled == "1");
}

HttpResponse LoopTimeout() { return HttpResponse::Error(503, "the broker did not answer in time"); }

HttpResponse TopicNotFound(const HttpRequest& request) {
  return HttpResponse::Error(
      404, fmt::format("topic {}/{} not found", request.Param("ns"), request.Param("topic")));
}

// The partitions of the route's {ns}/{topic}; an error response when there are none.
std::variant<std::vector<PartitionRow>, HttpResponse> TopicPartitions(const RouteContext& context,
                                                                      const HttpRequest& request) {
  auto all = AllPartitions(context);
  if (!all) return LoopTimeout();
  std::vector<PartitionRow> rows;
  if (request.Param("ns") == kKafkaNamespace) {
    for (PartitionRow& row : *all) {
      if (row.topic == request.Param("topic")) rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) return TopicNotFound(request);
  return rows;
}

}  // namespace

void AddPartitionRoutes(HttpServer& http, const RouteContext& context) {
  const int32_t node = context.config.node_id;
  // No partition of kpk's is ever disabled, so `disabled=true` lists none.
  http.Get("/v1/cluster/partitions", [&context, node](const HttpRequest& request) {
    auto all = AllPartitions(context);
    if (!all) return LoopTimeout();
    json out = json::array();
    if (!WantsDisabledOnly(request)) {
      for (const PartitionRow& row : *all) out.push_back(ClusterPartitionJson(row, node));
    }
    return HttpResponse::Json(out.dump());
  });
  http.Get("/v1/cluster/partitions/{ns}/{topic}", [&context, node](const HttpRequest& request) {
    auto rows = TopicPartitions(context, request);
    if (auto* error = std::get_if<HttpResponse>(&rows)) return *error;
    json out = json::array();
    if (!WantsDisabledOnly(request)) {
      for (const PartitionRow& row : std::get<0>(rows)) {
        out.push_back(ClusterPartitionJson(row, node));
      }
    }
    return HttpResponse::Json(out.dump());
  });
  http.Get("/v1/partitions/{ns}/{topic}", [&context, node](const HttpRequest& request) {
    auto rows = TopicPartitions(context, request);
    if (auto* error = std::get_if<HttpResponse>(&rows)) return *error;
    json out = json::array();
    for (const PartitionRow& row : std::get<0>(rows)) out.push_back(PartitionJson(row, node));
    return HttpResponse::Json(out.dump());
  });
  http.Get("/v1/partitions/{ns}/{topic}/{partition}", [&context, node](const HttpRequest& request) {
    std::optional<int32_t> id = ParsePartition(request.Param("partition"));
    if (!id) {
      return HttpResponse::Error(
          400, fmt::format("invalid partition id: {}", request.Param("partition")));
    }
    auto rows = TopicPartitions(context, request);
    if (auto* error = std::get_if<HttpResponse>(&rows)) return *error;
    for (const PartitionRow& row : std::get<0>(rows)) {
      if (row.partition == *id) return HttpResponse::Json(PartitionJson(row, node).dump());
    }
    return HttpResponse::Error(404, fmt::format("partition {}/{}/{} not found", request.Param("ns"),
                                                request.Param("topic"), *id));
  });
}

}  // namespace kpk::broker::admin
