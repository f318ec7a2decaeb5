// What /metrics and /public_metrics need from the event loop, copied there at scrape time so
// the Admin API's thread formats it without touching broker state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "broker/metrics/broker_metrics.h"

namespace kpk::broker::admin {

struct PartitionSample {
  std::string topic;
  int32_t partition = 0;
  int64_t start_offset = 0;
  int64_t high_watermark = 0;
  uint64_t size_bytes = 0;  // the partition's segments on disk
  Traffic traffic;
};

struct TopicSample {
  std::string name;
  int32_t partitions = 0;
  int32_t replicas = 1;
  Traffic traffic;  // its partitions' sum
};

struct GroupOffsetSample {
  std::string topic;
  int32_t partition = 0;
  int64_t committed = -1;
};

struct GroupSample {
  std::string id;
  size_t members = 0;
  std::vector<GroupOffsetSample> offsets;
};

struct MetricsSnapshot {
  std::vector<TopicSample> topics;          // by name
  std::vector<PartitionSample> partitions;  // by topic, then partition
  std::vector<GroupSample> groups;          // by id
};

// Runs on the event loop (AdminServer::SetMetricsSource).
using MetricsSource = std::function<MetricsSnapshot()>;

}  // namespace kpk::broker::admin
