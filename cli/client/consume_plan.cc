#include "cli/client/consume_plan.h"

#include <algorithm>

#include <fmt/core.h>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace client {
namespace {

Result<std::map<TopicPartition, int64_t>> OffsetsAt(Client& client,
                                                    const std::vector<TopicPartition>& parts,
                                                    int64_t timestamp_ms) {
  auto listed = client.ListOffsets(parts, timestamp_ms);
  if (!listed) return Err(listed.error());
  std::map<TopicPartition, int64_t> out;
  for (const PartitionOffset& p : *listed) {
    if (p.err) {
      return Err(
          Status::IOError(fmt::format("unable to list offsets after milli {} for {}/{}: {}",
                                      timestamp_ms, p.topic, p.partition, ErrorName(p.err))));
    }
    out[{p.topic, p.partition}] = p.offset;
  }
  return out;
}

}  // namespace

Result<std::vector<PartitionPlan>> PlanConsume(Client& client, const ClusterMetadata& md,
                                               const std::vector<std::string>& topics,
                                               const std::vector<int32_t>& partitions,
                                               const OffsetSpec& spec) {
  std::vector<TopicPartition> parts;
  for (const std::string& name : topics) {
    const TopicInfo* topic = md.FindTopic(name);
    if (topic == nullptr) return Err(Status::NotFound("topic " + Quote(name) + " does not exist"));
    for (const PartitionInfo& p : topic->partitions) {
      if (partitions.empty() ||
          std::find(partitions.begin(), partitions.end(), p.id) != partitions.end()) {
        parts.push_back({name, p.id});
      }
    }
    for (int32_t wanted : partitions) {
      bool found = false;
      for (const PartitionInfo& p : topic->partitions) found |= p.id == wanted;
      if (!found) {
        return Err(Status::NotFound(
            fmt::format("partition {} does not exist in topic {}", wanted, Quote(name))));
      }
    }
  }
  auto marks = client.ListWatermarks(parts);
  if (!marks) return Err(marks.error());
  std::map<TopicPartition, int64_t> from_ts, until_ts;
  if (spec.from == OffsetSpec::From::kTimestamp) {
    auto at = OffsetsAt(client, parts, spec.from_value);
    if (!at) return Err(at.error());
    from_ts = std::move(*at);
  }
  if (spec.until == OffsetSpec::Until::kTimestamp) {
    auto at = OffsetsAt(client, parts, spec.until_value);
    if (!at) return Err(at.error());
    until_ts = std::move(*at);
  }
  std::vector<PartitionPlan> plan;
  for (const TopicPartition& tp : parts) {
    const Watermarks& w = marks->at(tp);
    if (w.err) {
      return Err(Status::IOError(fmt::format("unable to list offsets for {}/{}: {}", tp.topic,
                                             tp.partition, ErrorName(w.err))));
    }
    auto ts = [](const std::map<TopicPartition, int64_t>& m, const TopicPartition& k) {
      auto it = m.find(k);
      return it == m.end() ? int64_t{-1} : it->second;
    };
    OffsetRange range = ResolveOffsetRange(spec, w.start, w.end, ts(from_ts, tp), ts(until_ts, tp));
    if (range.Empty()) continue;
    plan.push_back({tp, range.start, range.end});
  }
  return plan;
}

}  // namespace client
}  // namespace kpk::cli
