// The coordinator's lifecycle, the requests that do not wait (Heartbeat, LeaveGroup, ListGroups,
// DescribeGroups, DeleteGroups), and the deadline sweep.
#include "broker/groups/coordinator.h"

#include <algorithm>

#include <fmt/core.h>

#include "common/log.h"

namespace kpk::broker::groups {

GroupCoordinator::GroupCoordinator(asio::io_context& io, const ClusterProperties& cluster,
                                   CoordinatorOptions options)
    : io_(io), cluster_(cluster), options_(std::move(options)), sweep_timer_(io) {}

GroupCoordinator::~GroupCoordinator() { Close(); }

Status GroupCoordinator::Open() {
  GroupLog::Options log_options;
  log_options.fs = options_.fs;
  log_options.data_dir = options_.data_dir;
  log_options.sync = options_.sync;
  log_options.warn = options_.warn;
  auto log = GroupLog::Open(std::move(log_options),
                            [this](const format::Record& record) { Replay(record); });
  if (!log) return log.error();
  log_ = std::move(*log);
  snapshot_bytes_ = log_->size();
  return Status::OK();
}

void GroupCoordinator::Stop() {
  if (stopped_) return;
  stopped_ = true;
  sweep_timer_.cancel();
  for (auto& [id, group] : groups_) {
    for (auto& [member_id, member] : group->members) {
      if (member.join)
        member.join->Complete(JoinError(ErrorCode::kCoordinatorNotAvailable, member_id));
      if (member.sync) member.sync->Complete(SyncError(ErrorCode::kCoordinatorNotAvailable));
      member.join.reset();
      member.sync.reset();
    }
  }
}

void GroupCoordinator::Close() {
  if (log_) log_->Close();
}

Group* GroupCoordinator::Find(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

Group& GroupCoordinator::FindOrCreate(const std::string& group_id) {
  auto& slot = groups_[group_id];
  if (!slot) slot = std::make_unique<Group>(group_id);
  return *slot;
}

ErrorCode GroupCoordinator::Heartbeat(const std::string& group_id, const std::string& member_id,
                                      const std::optional<std::string>& instance_id,
                                      int32_t generation) {
  if (stopped_) return ErrorCode::kCoordinatorNotAvailable;
  Group* group = Find(group_id);
  if (!group) return ErrorCode::kUnknownMemberId;
  if (instance_id) {
    const std::string* current = group->StaticMemberId(*instance_id);
    if (current && *current != member_id) return ErrorCode::kFencedInstanceId;
  }
  Member* member = group->FindMember(member_id);
  if (!member) return ErrorCode::kUnknownMemberId;
  if (generation != group->generation) return ErrorCode::kIllegalGeneration;
  Touch(*member);
  return group->state == GroupState::kPreparingRebalance ? ErrorCode::kRebalanceInProgress
                                                         : ErrorCode::kNone;
}

std::vector<ErrorCode> GroupCoordinator::Leave(const std::string& group_id,
                                               const std::vector<MemberIdentity>& members) {
  std::vector<ErrorCode> errors;
  Group* group = stopped_ ? nullptr : Find(group_id);
  for (const MemberIdentity& who : members) {
    if (stopped_) {
      errors.push_back(ErrorCode::kCoordinatorNotAvailable);
      continue;
    }
    if (!group) {
      errors.push_back(ErrorCode::kUnknownMemberId);
      continue;
    }
    std::string id = who.member_id;
    if (who.instance_id) {
      const std::string* current = group->StaticMemberId(*who.instance_id);
      if (!current) {
        errors.push_back(ErrorCode::kUnknownMemberId);
        continue;
      }
      if (!id.empty() && *current != id) {
        errors.push_back(ErrorCode::kFencedInstanceId);
        continue;
      }
      id = *current;
    }
    if (group->pending_members.erase(id) > 0) {
      errors.push_back(ErrorCode::kNone);
      MaybeCompleteJoin(*group);
      continue;
    }
    if (!group->FindMember(id)) {
      errors.push_back(ErrorCode::kUnknownMemberId);
      continue;
    }
    RemoveMemberAndUpdate(*group, id);
    errors.push_back(ErrorCode::kNone);
  }
  return errors;
}

std::vector<GroupListing> GroupCoordinator::ListGroups(
    const std::vector<std::string>& states_filter) const {
  std::vector<GroupState> wanted;
  for (const std::string& name : states_filter) {
    if (auto state = ParseGroupState(name)) wanted.push_back(*state);
  }
  std::vector<GroupListing> out;
  for (const auto& [id, group] : groups_) {
    if (!states_filter.empty() &&
        std::find(wanted.begin(), wanted.end(), group->state) == wanted.end()) {
      continue;
    }
    out.push_back(GroupListing{id, group->protocol_type, group->state});
  }
  return out;
}

GroupDescription GroupCoordinator::DescribeGroup(const std::string& group_id) const {
  GroupDescription d;
  d.group_id = group_id;
  const Group* group = Find(group_id);
  if (!group) return d;
  d.state = group->state;
  d.protocol_type = group->protocol_type;
  // Kafka names the protocol only once one is chosen for the generation. A group emptied by
  // its members leaving has none; one restored Empty after a restart keeps the protocol of
  // the generation it had when the broker stopped, as Kafka's loaded group does.
  const bool chosen = group->state == GroupState::kStable ||
                      group->state == GroupState::kCompletingRebalance ||
                      group->state == GroupState::kEmpty;
  if (chosen && group->protocol_name) d.protocol_name = *group->protocol_name;
  for (const auto& [id, member] : group->members) {
    MemberDescription& m = d.members.emplace_back();
    m.member_id = id;
    m.instance_id = member.instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    if (group->state == GroupState::kStable && group->protocol_name) {
      if (const Bytes* metadata = member.MetadataFor(*group->protocol_name)) m.metadata = *metadata;
      m.assignment = member.assignment;
    }
  }
  return d;
}

Awaitable<std::vector<ErrorCode>> GroupCoordinator::DeleteGroups(
    std::vector<std::string> group_ids) {
  std::vector<ErrorCode> errors;
  Records records;
  std::vector<size_t> deleted;  // indexes into errors whose outcome depends on the disk
  for (const std::string& id : group_ids) {
    Group* group = stopped_ ? nullptr : Find(id);
    if (stopped_) {
      errors.push_back(ErrorCode::kCoordinatorNotAvailable);
    } else if (!group || group->state == GroupState::kDead) {
      errors.push_back(ErrorCode::kGroupIdNotFound);
    } else if (group->state != GroupState::kEmpty || !group->pending_members.empty()) {
      errors.push_back(ErrorCode::kNonEmptyGroup);
    } else {
      group->state = GroupState::kDead;
      groups_.erase(id);
      records.push_back(format::GroupDeleteRecord{id});
      deleted.push_back(errors.size());
      errors.push_back(ErrorCode::kNone);
    }
  }
  if (!records.empty()) {
    Status s = co_await PersistAndWait(std::move(records));
    if (!s.ok()) {
      for (size_t i : deleted) errors[i] = ErrorCode::kKafkaStorageError;
    }
  }
  co_return errors;
}

// Deadlines. A heartbeat only moves a member's deadline later, so the timer stays armed for the
// earliest deadline seen; when it fires, the sweep handles what is due and re-arms for what is
// next.

void GroupCoordinator::Touch(Member& member) {
  member.session_deadline = Clock::now() + std::chrono::milliseconds(member.session_timeout_ms);
  ScheduleSweep(member.session_deadline);
}

void GroupCoordinator::ScheduleSweep(Clock::time_point when) {
  if (stopped_ || when >= sweep_at_) return;
  sweep_at_ = when;
  sweep_timer_.expires_at(when);
  sweep_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    sweep_at_ = Clock::time_point::max();
    Sweep();
  });
}

void GroupCoordinator::Sweep() {
  const Clock::time_point now = Clock::now();
  std::vector<std::string> ids;
  ids.reserve(groups_.size());
  for (const auto& [id, group] : groups_) ids.push_back(id);
  for (const std::string& id : ids) {
    if (Group* group = Find(id)) SweepGroup(*group, now);
  }
  ScheduleSweep(NextDeadline());
}

void GroupCoordinator::SweepGroup(Group& group, Clock::time_point now) {
  bool pending_expired = false;
  for (auto it = group.pending_members.begin(); it != group.pending_members.end();) {
    if (it->second <= now) {
      it = group.pending_members.erase(it);
      pending_expired = true;
    } else {
      ++it;
    }
  }
  std::vector<std::string> expired;
  for (const auto& [id, member] : group.members) {
    // A member parked in JoinGroup or SyncGroup is not expected to heartbeat.
    if (!member.join && !member.sync && member.session_deadline <= now) expired.push_back(id);
  }
  for (const std::string& id : expired) {
    if (!group.FindMember(id)) continue;
    KPK_LOG_INFO("group {}: member {} expired (no heartbeat within its session timeout)",
                 group.id(), id);
    RemoveMemberAndUpdate(group, id);
  }
  if (group.state == GroupState::kPreparingRebalance) {
    if (now >= group.rebalance_deadline) {
      CompleteJoin(group);
    } else if (pending_expired || now >= group.join_not_before) {
      MaybeCompleteJoin(group);
    }
  } else if (group.state == GroupState::kCompletingRebalance && now >= group.sync_deadline) {
    // The leader's assignment never came, or some members never asked for theirs: drop the
    // members that did not sync and try again without them.
    std::vector<std::string> laggards;
    for (const auto& [id, member] : group.members) {
      if (!member.synced) laggards.push_back(id);
    }
    for (const std::string& id : laggards) RemoveMember(group, id, ErrorCode::kUnknownMemberId);
    PrepareRebalance(group);
  }
}

Clock::time_point GroupCoordinator::NextDeadline() const {
  Clock::time_point next = Clock::time_point::max();
  for (const auto& [id, group] : groups_) {
    for (const auto& [member_id, expiry] : group->pending_members) next = std::min(next, expiry);
    for (const auto& [member_id, member] : group->members) {
      if (!member.join && !member.sync) next = std::min(next, member.session_deadline);
    }
    if (group->state == GroupState::kPreparingRebalance) {
      next = std::min(next, group->rebalance_deadline);
      if (group->join_not_before > Clock::now()) next = std::min(next, group->join_not_before);
    } else if (group->state == GroupState::kCompletingRebalance) {
      next = std::min(next, group->sync_deadline);
    }
  }
  return next;
}

}  // namespace kpk::broker::groups
