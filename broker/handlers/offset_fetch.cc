#include "broker/handlers/offset_fetch.h"

#include <map>
#include <set>

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"
#include "broker/transactions/txn_coordinator.h"

namespace kpk::broker::handlers {
namespace {

using Response = OffsetFetchHandler::Response;

// The wanted partitions, or nullopt for all of them.
template <typename Topic>
std::optional<std::vector<groups::TopicPartition>> Wanted(
    const std::optional<std::vector<Topic>>& topics) {
  if (!topics) return std::nullopt;
  std::vector<groups::TopicPartition> out;
  for (const auto& t : *topics) {
    for (int32_t p : t.partition_indexes) out.push_back({t.name, p});
  }
  return out;
}

// Groups fetched partitions by topic, keeping the order they came in, into either response
// shape (v0-7 topics, v8 groups[].topics).
template <typename TopicOut>
std::vector<TopicOut> ByTopic(std::vector<groups::FetchedOffset> fetched) {
  std::vector<TopicOut> out;
  std::map<std::string, size_t> index;
  for (auto& f : fetched) {
    auto [it, added] = index.try_emplace(f.partition.topic, out.size());
    if (added) out.emplace_back().name = f.partition.topic;
    auto& p = out[it->second].partitions.emplace_back();
    p.partition_index = f.partition.partition;
    p.committed_offset = f.value.offset;
    p.committed_leader_epoch = f.value.leader_epoch;
    p.metadata = std::move(f.value.metadata);
    p.error_code = ToInt(f.error);
  }
  return out;
}

// The group's offsets; with require_stable, partitions whose offsets an unfinished transaction
// has staged get UNSTABLE_OFFSET_COMMIT instead (and the client asks again), as in Kafka.
std::vector<groups::FetchedOffset> Fetch(
    RequestContext& ctx, const std::string& group,
    const std::optional<std::vector<groups::TopicPartition>>& partitions, bool require_stable) {
  std::vector<groups::FetchedOffset> fetched = ctx.groups.FetchOffsets(group, partitions);
  if (!require_stable) return fetched;
  const std::set<groups::TopicPartition> pending = ctx.transactions.PendingOffsets(group);
  for (groups::FetchedOffset& f : fetched) {
    if (pending.count(f.partition) == 0) continue;
    f.error = ErrorCode::kUnstableOffsetCommit;
    f.value = {};
  }
  return fetched;
}

}  // namespace

OffsetFetchHandler::Response OffsetFetchHandler::Handle(RequestContext& ctx,
                                                        const Request& request) {
  Response response;
  const bool require_stable = ctx.version >= 7 && request.require_stable;
  if (ctx.version >= 8) {
    for (const auto& g : request.groups) {
      auto& group = response.groups.emplace_back();
      group.group_id = g.group_id;
      group.topics = ByTopic<Response::OffsetFetchResponseTopics>(
          Fetch(ctx, g.group_id, Wanted(g.topics), require_stable));
    }
    return response;
  }
  // v0-1 always name their topics; a null list there would not decode.
  response.topics = ByTopic<Response::OffsetFetchResponseTopic>(
      Fetch(ctx, request.group_id, Wanted(request.topics), require_stable));
  return response;
}

}  // namespace kpk::broker::handlers
