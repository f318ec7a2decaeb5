// The cluster health overview of `kpk cluster health`: read from the Admin API's
// /v1/cluster/health_overview (Redpanda, kpk's broker), or derived from Kafka metadata where
// there is no Admin API (Apache Kafka), and rendered as rpk renders it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/client/kafka_client.h"
#include "cli/format/output.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace client {

struct HealthOverview {
  bool is_healthy = false;
  std::vector<std::string> unhealthy_reasons;
  int32_t controller_id = -1;
  std::vector<int32_t> all_nodes;
  std::vector<int32_t> nodes_down;
  std::vector<int32_t> nodes_in_recovery_mode;
  std::vector<std::string> leaderless_partitions;  // "kafka/<topic>/<partition>"
  std::optional<int64_t> leaderless_count;         // absent before Redpanda 23.3
  std::vector<std::string> under_replicated_partitions;
  std::optional<int64_t> under_replicated_count;
  std::optional<std::string> cluster_uuid;

  bool operator==(const HealthOverview&) const = default;
};

// Parses the Admin API's answer; the lists come back sorted, as rpk sorts them.
Result<HealthOverview> HealthOverviewFromJson(std::string_view body);

// Health as Kafka metadata shows it: the live brokers, the controller, partitions without a
// leader among them, partitions whose ISR is smaller than their replicas, and nodes down
// (replicas on brokers the metadata does not list). Unhealthy reasons are Redpanda's names.
HealthOverview HealthFromMetadata(const ClusterMetadata& md);

// rpk's CLUSTER HEALTH OVERVIEW block.
std::string RenderHealthOverview(const HealthOverview& h);
// rpk's --format json|yaml document.
Json HealthOverviewJson(const HealthOverview& h);

}  // namespace client
}  // namespace kpk::cli
