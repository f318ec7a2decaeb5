// The Admin API's cluster configuration, in Redpanda's shapes: GET /v1/cluster_config
// (include_defaults, key), GET /v1/cluster_config/schema, GET /v1/cluster_config/status and
// PUT /v1/cluster_config ({upsert, remove}, dry_run). The properties are cluster_properties.h's.
#pragma once

#include "broker/admin/http_server.h"
#include "broker/admin/state_runner.h"

namespace kpk::broker::admin {

void AddClusterConfigRoutes(HttpServer& http, StateRunner run);

}  // namespace kpk::broker::admin
