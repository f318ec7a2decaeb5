#include "broker/admin/cluster_config_routes.h"

#include <utility>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/core/cluster_properties.h"

namespace kpk::broker::admin {
namespace {

using nlohmann::json;

// Redpanda's boolean query parameters: "true" or "1" (rpk sends "true").
bool QueryFlag(const HttpRequest& request, std::string_view name, bool absent) {
  std::optional<std::string> v = request.Query(name);
  if (!v || v->empty()) return absent;
  return *v == "true" || *v == "1";
}

HttpResponse GetConfig(BrokerState& state, bool include_defaults,
                       const std::optional<std::string>& key) {
  json all = ClusterConfigJson(state.ConfiguredCluster(), /*only_changed=*/!include_defaults);
  if (!key) return HttpResponse::Json(all.dump());
  if (!FindClusterProperty(*key)) {
    return HttpResponse::Error(400, fmt::format("Unknown property {{{}}}", *key));
  }
  json one = json::object();
  one[*key] = ClusterConfigJson(state.ConfiguredCluster(), false)[*key];
  return HttpResponse::Json(one.dump());
}

HttpResponse GetStatus(BrokerState& state) {
  json node = {{"node_id", state.config().node_id},
               {"restart", !state.PendingRestart().empty()},
               {"config_version", state.config_version()},
               {"invalid", state.invalid_configs()},
               {"unknown", state.unknown_configs()}};
  return HttpResponse::Json(json::array({node}).dump());
}

// The body of a PUT: {"upsert": {name: value}, "remove": [name]}, both optional.
Result<ClusterConfigPatch> ParsePatch(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Err(Status::InvalidArgument("the body must be a JSON object {upsert, remove}"));
  }
  ClusterConfigPatch patch;
  if (doc.contains("upsert")) {
    if (!doc["upsert"].is_object()) return Err(Status::InvalidArgument("upsert must be an object"));
    for (auto& [name, value] : doc["upsert"].items()) patch.upsert.emplace_back(name, value);
  }
  if (doc.contains("remove")) {
    if (!doc["remove"].is_array()) return Err(Status::InvalidArgument("remove must be an array"));
    for (const json& name : doc["remove"]) {
      if (!name.is_string()) return Err(Status::InvalidArgument("remove must list names"));
      patch.remove.push_back(name.get<std::string>());
    }
  }
  return patch;
}

Awaitable<HttpResponse> Patch(BrokerState& state, ClusterConfigPatch patch, bool dry_run) {
  BrokerState::ClusterConfigOutcome outcome =
      co_await state.PatchClusterConfig(std::move(patch), dry_run);
  // Redpanda answers a validation failure with the bare map of property to error (rpk and
  // Redpanda's own tests read it so), not the {message, code} of other errors.
  if (!outcome.errors.empty()) co_return HttpResponse::Json(json(outcome.errors).dump(), 400);
  if (!outcome.status.ok()) {
    co_return HttpResponse::Error(500,
                                  "cannot write the configuration: " + outcome.status.message());
  }
  co_return HttpResponse::Json(json{{"config_version", state.config_version()}}.dump());
}

}  // namespace

void AddClusterConfigRoutes(HttpServer& http, StateRunner run) {
  http.Get("/v1/cluster_config", [run](const HttpRequest& request) {
    bool include_defaults = QueryFlag(request, "include_defaults", true);
    std::optional<std::string> key = request.Query("key");
    if (key && key->empty()) key.reset();
    return run([include_defaults, key](BrokerState& state) {
      return Ready(GetConfig(state, include_defaults, key));
    });
  });
  http.Get("/v1/cluster_config/schema",
           [](const HttpRequest&) { return HttpResponse::Json(ClusterConfigSchemaJson().dump()); });
  http.Get("/v1/cluster_config/status", [run](const HttpRequest&) {
    return run([](BrokerState& state) { return Ready(GetStatus(state)); });
  });
  http.Put("/v1/cluster_config", [run](const HttpRequest& request) {
    Result<ClusterConfigPatch> patch = ParsePatch(request.body);
    if (!patch) return HttpResponse::Error(400, patch.error().message());
    bool dry_run = QueryFlag(request, "dry_run", false);
    return run([patch = std::move(*patch), dry_run](BrokerState& state) {
      return Patch(state, patch, dry_run);
    });
  });
}

}  // namespace kpk::broker::admin
