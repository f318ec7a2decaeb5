#include "broker/metrics_source.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker {
namespace {

void CollectTopics(BrokerState& state, admin::MetricsSnapshot& out) {
  std::vector<storage::TopicMetadata> topics = state.topics().List();
  std::sort(topics.begin(), topics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  BrokerMetrics& metrics = state.metrics();
  std::set<std::string, std::less<>> names;
  for (const storage::TopicMetadata& t : topics) {
    names.insert(t.name);
    admin::TopicSample& sample = out.topics.emplace_back();
    sample.name = t.name;
    sample.partitions = t.partitions;
    auto traffic = metrics.topics().find(t.name);
    if (traffic != metrics.topics().end()) sample.traffic = traffic->second.Total();
    for (int32_t i = 0; i < t.partitions; ++i) {
      auto log = state.topics().Partition(t.name, i);
      if (!log) continue;
      admin::PartitionSample& p = out.partitions.emplace_back(admin::PartitionSample{
          t.name, i, log->log_start_offset(), log->high_watermark(), log->size_bytes(), {}});
      if (traffic != metrics.topics().end() &&
          static_cast<size_t>(i) < traffic->second.partitions.size()) {
        p.traffic = traffic->second.partitions[i];
      }
    }
  }
  std::vector<std::string> gone;
  for (const auto& [name, traffic] : metrics.topics()) {
    if (!names.contains(name)) gone.push_back(name);
  }
  for (const std::string& name : gone) metrics.ForgetTopic(name);
}

void CollectGroups(const groups::GroupCoordinator& coordinator, admin::MetricsSnapshot& out) {
  for (const groups::GroupListing& listing : coordinator.ListGroups({})) {
    admin::GroupSample& g = out.groups.emplace_back();
    g.id = listing.group_id;
    g.members = coordinator.DescribeGroup(listing.group_id).members.size();
    for (const groups::FetchedOffset& o :
         coordinator.FetchOffsets(listing.group_id, std::nullopt)) {
      if (o.error != protocol::ErrorCode::kNone) continue;
      g.offsets.push_back({o.partition.topic, o.partition.partition, o.value.offset});
    }
    std::sort(g.offsets.begin(), g.offsets.end(), [](const auto& a, const auto& b) {
      return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    });
  }
  std::sort(out.groups.begin(), out.groups.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
}

}  // namespace

admin::MetricsSnapshot CollectMetricsSnapshot(BrokerState& state,
                                              const groups::GroupCoordinator& groups) {
  admin::MetricsSnapshot out;
  CollectTopics(state, out);
  CollectGroups(groups, out);
  return out;
}

}  // namespace kpk::broker
