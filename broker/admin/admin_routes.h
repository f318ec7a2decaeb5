// The Admin API's routes beyond readiness and metrics, in Redpanda's shapes (its swagger in
// src/v/redpanda/admin/api-doc): one function per group of routes, each in its own file.
#pragma once

#include <functional>
#include <string>

#include "broker/core/broker_config.h"
#include "broker/core/topics.h"

namespace kpk::broker::admin {

class HttpServer;

// What the routes read. `run_on_loop` runs a function on the broker's event loop and returns
// its result ("" when the loop did not answer in time); `topics` is only read there.
struct RouteContext {
  const BrokerConfig& config;
  std::function<std::string(std::function<std::string()>)> run_on_loop;
  std::function<const Topics*()> topics;  // null until the broker has opened its storage
};

// /v1/brokers, /v1/brokers/{id}, /v1/cluster/uuid, /v1/node_config, /v1/features.
void AddBrokerRoutes(HttpServer& http, const RouteContext& context);
// /v1/cluster/partitions[/{ns}/{topic}], /v1/partitions/{ns}/{topic}[/{partition}].
void AddPartitionRoutes(HttpServer& http, const RouteContext& context);
// /v1/loggers, /v1/config/log_level/{name}.
void AddLoggerRoutes(HttpServer& http);

}  // namespace kpk::broker::admin
