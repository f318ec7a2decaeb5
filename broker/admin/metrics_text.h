// The Prometheus text of /metrics (internal: Redpanda's `vectorized_` names where Redpanda has
// them, `kpk_` for the rest) and /public_metrics (Redpanda's public `redpanda_` set). Which
// names and labels, and why: docs/metrics.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "broker/admin/health_overview.h"
#include "broker/admin/metrics_snapshot.h"
#include "broker/metrics/broker_metrics.h"
#include "broker/storage/log_cleaner.h"

namespace kpk::broker::admin {

struct MetricsInputs {
  const BrokerMetrics& metrics;
  // Absent when the event loop did not answer in time: only the atomics are shown then.
  const MetricsSnapshot* loop = nullptr;
  std::optional<storage::CleanerTotals> cleaner;
  std::optional<DiskSpace> disk;
};

std::string InternalMetricsText(const MetricsInputs& in);
std::string PublicMetricsText(const MetricsInputs& in);

}  // namespace kpk::broker::admin
