#include "broker/handlers/offset_commit.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {

Awaitable<OffsetCommitHandler::Response> OffsetCommitHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  groups::Committer committer;
  committer.group_id = request.group_id;
  if (ctx.version >= 1) {
    committer.member_id = request.member_id;
    committer.generation = request.generation_id_or_member_epoch;
  }
  if (ctx.version >= 7) committer.instance_id = request.group_instance_id;

  // Partitions of unknown topics are answered here; the rest go to the coordinator, and their
  // answers are filled in below in request order.
  std::vector<groups::OffsetToCommit> offsets;
  std::vector<Response::OffsetCommitResponsePartition*> pending;
  const int64_t now = NowMs();
  for (const auto& topic : request.topics) {
    auto& t = response.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p.partition_index;
      if (!ctx.state.topics().Partition(topic.name, p.partition_index)) {
        r.error_code = ToInt(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      groups::CommittedOffset value;
      value.offset = p.committed_offset;
      value.leader_epoch = ctx.version >= 6 ? p.committed_leader_epoch : -1;
      value.metadata = p.committed_metadata.value_or("");
      value.commit_timestamp_ms =
          ctx.version == 1 && p.commit_timestamp >= 0 ? p.commit_timestamp : now;
      offsets.push_back({{topic.name, p.partition_index}, std::move(value)});
    }
  }
  // Pointers into the response are taken only once it has stopped growing.
  for (auto& t : response.topics) {
    for (auto& r : t.partitions) {
      if (r.error_code == 0) pending.push_back(&r);
    }
  }
  if (offsets.empty()) co_return response;
  std::vector<ErrorCode> errors = co_await ctx.groups.CommitOffsets(committer, std::move(offsets));
  for (size_t i = 0; i < pending.size() && i < errors.size(); ++i) {
    pending[i]->error_code = ToInt(errors[i]);
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
