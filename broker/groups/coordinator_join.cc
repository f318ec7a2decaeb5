// The rebalance: JoinGroup and SyncGroup, and the state transitions between them. The rules
// follow Kafka's classic GroupCoordinator (KIP-345 static members, KIP-394 member ids, KIP-814
// skip assignment); see kafka-protocol-notes.md §6.
#include "broker/groups/coordinator.h"

#include <random>

#include <fmt/core.h>

#include "common/log.h"

namespace kpk::broker::groups {
namespace {

bool SameProtocols(const Member& member, const std::vector<Protocol>& protocols) {
  return member.protocols == protocols;
}

}  // namespace

Awaitable<JoinResult> GroupCoordinator::Join(JoinRequest request) {
  std::shared_ptr<JoinWaiter> waiter;
  JoinResult result = StartJoin(request, waiter);
  if (!waiter) co_return result;
  // The rebalance always ends: every member rejoins, the rebalance timeout drops the rest, or
  // Stop() answers everyone.
  co_await waiter->event.Wait();
  co_return waiter->result ? std::move(*waiter->result)
                           : JoinError(ErrorCode::kRebalanceInProgress, request.member_id);
}

JoinResult GroupCoordinator::StartJoin(const JoinRequest& request,
                                       std::shared_ptr<JoinWaiter>& waiter) {
  if (stopped_) return JoinError(ErrorCode::kCoordinatorNotAvailable, request.member_id);
  if (request.group_id.empty()) return JoinError(ErrorCode::kInvalidGroupId, request.member_id);
  if (request.session_timeout_ms < cluster_.group_min_session_timeout_ms ||
      request.session_timeout_ms > cluster_.group_max_session_timeout_ms) {
    return JoinError(ErrorCode::kInvalidSessionTimeout, request.member_id);
  }
  Group* group = Find(request.group_id);
  if (!group && !request.member_id.empty()) {
    return JoinError(ErrorCode::kUnknownMemberId, request.member_id);
  }
  const bool created = group == nullptr;
  if (created) group = &FindOrCreate(request.group_id);
  if (!group->SupportsProtocols(request.protocol_type, request.protocols)) {
    if (created) groups_.erase(request.group_id);
    return JoinError(ErrorCode::kInconsistentGroupProtocol, request.member_id);
  }
  if (request.member_id.empty()) return JoinNewMember(*group, request, waiter);
  return JoinKnownMember(*group, request, waiter);
}

JoinResult GroupCoordinator::JoinNewMember(Group& group, const JoinRequest& request,
                                           std::shared_ptr<JoinWaiter>& waiter) {
  if (request.instance_id) {
    if (const std::string* old_id = group.StaticMemberId(*request.instance_id)) {
      return ReplaceStaticMember(group, request, std::string(*old_id), waiter);
    }
    // Static members are known by their instance id, so they never need MEMBER_ID_REQUIRED.
    AddMemberAndRebalance(group, request, NewMemberId(*request.instance_id), waiter);
    return {};
  }
  std::string id = NewMemberId(request.client_id.empty() ? "member" : request.client_id);
  if (request.require_known_member_id) {
    // KIP-394: the member must come back with this id, so a client that times out and retries
    // does not leave a ghost member behind.
    const auto expiry = Clock::now() + std::chrono::milliseconds(request.session_timeout_ms);
    group.pending_members[id] = expiry;
    ScheduleSweep(expiry);
    return JoinError(ErrorCode::kMemberIdRequired, id);
  }
  AddMemberAndRebalance(group, request, id, waiter);
  return {};
}

JoinResult GroupCoordinator::JoinKnownMember(Group& group, const JoinRequest& request,
                                             std::shared_ptr<JoinWaiter>& waiter) {
  const std::string& id = request.member_id;
  if (group.pending_members.erase(id) > 0) {
    AddMemberAndRebalance(group, request, id, waiter);
    return {};
  }
  if (request.instance_id) {
    const std::string* current = group.StaticMemberId(*request.instance_id);
    if (current && *current != id) return JoinError(ErrorCode::kFencedInstanceId, id);
  }
  Member* member = group.FindMember(id);
  if (!member) return JoinError(ErrorCode::kUnknownMemberId, id);
  switch (group.state) {
    case GroupState::kPreparingRebalance:
      UpdateMemberAndRebalance(group, *member, request, waiter);
      return {};
    case GroupState::kCompletingRebalance:
      // Most likely the member lost the JoinGroup response: hand it the same one again.
      if (SameProtocols(*member, request.protocols)) {
        return CurrentGeneration(group, *member, member->id == group.leader);
      }
      UpdateMemberAndRebalance(group, *member, request, waiter);
      return {};
    case GroupState::kStable:
      if (member->id == group.leader || !SameProtocols(*member, request.protocols)) {
        // The leader rejoins to have the group reassigned (e.g. it saw new partitions).
        UpdateMemberAndRebalance(group, *member, request, waiter);
        return {};
      }
      return CurrentGeneration(group, *member, false);
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
  return JoinError(ErrorCode::kUnknownMemberId, id);
}

JoinResult GroupCoordinator::ReplaceStaticMember(Group& group, const JoinRequest& request,
                                                 const std::string& old_id,
                                                 std::shared_ptr<JoinWaiter>& waiter) {
  auto node = group.members.extract(old_id);
  Member member = std::move(node.mapped());
  // Whoever still holds the old id is a stale copy of this instance.
  if (member.join) member.join->Complete(JoinError(ErrorCode::kFencedInstanceId, old_id));
  if (member.sync) member.sync->Complete(SyncError(ErrorCode::kFencedInstanceId));
  member.join.reset();
  member.sync.reset();
  const std::string new_id = NewMemberId(*request.instance_id);
  member.id = new_id;
  // The group keeps what the new incarnation sent. Its metadata differs from the old one's as a
  // rule (the Java consumer's subscription carries the partitions it owns and its generation,
  // empty and -1 after a restart), so Kafka does not compare it: only a change of the protocol
  // the group would select next makes a rebalance.
  member.protocols = request.protocols;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.session_timeout_ms = request.session_timeout_ms;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  Member& placed = group.members.emplace(new_id, std::move(member)).first->second;
  group.static_members[*request.instance_id] = new_id;
  if (group.leader == old_id) group.leader = new_id;
  const bool unchanged = group.protocol_name && *group.protocol_name == group.SelectProtocol();
  if (group.state == GroupState::kStable && unchanged) {
    // KIP-345: a static member that restarts with the same subscription takes its old place
    // without a rebalance. A leader learns the members; v9+ is told to keep the current
    // assignment (KIP-814), older clients' SyncGroup gets it anyway, as the group is Stable.
    Touch(placed);
    PersistGroup(group);
    const bool leader = group.leader == new_id;
    JoinResult r = CurrentGeneration(group, placed, leader);
    r.skip_assignment = leader && request.supports_skip_assignment;
    return r;
  }
  UpdateMemberAndRebalance(group, placed, request, waiter);
  return {};
}

void GroupCoordinator::AddMemberAndRebalance(Group& group, const JoinRequest& request,
                                             const std::string& id,
                                             std::shared_ptr<JoinWaiter>& waiter) {
  if (group.members.empty()) group.protocol_type = request.protocol_type;
  Member member;
  member.id = id;
  member.instance_id = request.instance_id;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.session_timeout_ms = request.session_timeout_ms;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.protocol_type = request.protocol_type;
  member.protocols = request.protocols;
  member.join = waiter = std::make_shared<JoinWaiter>(io_.get_executor());
  group.members.emplace(id, std::move(member));
  if (request.instance_id) group.static_members[*request.instance_id] = id;
  if (group.leader.empty() || !group.FindMember(group.leader)) group.leader = id;
  if (group.state == GroupState::kPreparingRebalance) {
    MaybeCompleteJoin(group);
  } else {
    PrepareRebalance(group);
  }
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& group, Member& member,
                                                const JoinRequest& request,
                                                std::shared_ptr<JoinWaiter>& waiter) {
  // A second JoinGroup from the same member replaces the first, which gets a retriable error.
  if (member.join) member.join->Complete(JoinError(ErrorCode::kRebalanceInProgress, member.id));
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.session_timeout_ms = request.session_timeout_ms;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.protocol_type = request.protocol_type;
  member.protocols = request.protocols;
  member.join = waiter = std::make_shared<JoinWaiter>(io_.get_executor());
  if (group.state == GroupState::kPreparingRebalance) {
    MaybeCompleteJoin(group);
  } else {
    PrepareRebalance(group);
  }
}

JoinResult GroupCoordinator::CurrentGeneration(Group& group, Member& member,
                                               bool with_members) const {
  JoinResult r;
  r.generation = group.generation;
  r.protocol_type = group.protocol_type;
  r.protocol_name = group.protocol_name;
  r.leader = group.leader;
  r.member_id = member.id;
  if (with_members) {
    for (const auto& [id, m] : group.members) {
      const Bytes* metadata = group.protocol_name ? m.MetadataFor(*group.protocol_name) : nullptr;
      r.members.push_back(JoinedMember{id, m.instance_id, metadata ? *metadata : Bytes{}});
    }
  }
  return r;
}

void GroupCoordinator::PrepareRebalance(Group& group) {
  const Clock::time_point now = Clock::now();
  if (group.state == GroupState::kCompletingRebalance) {
    for (auto& [id, member] : group.members) {
      member.assignment.clear();
      if (member.sync) member.sync->Complete(SyncError(ErrorCode::kRebalanceInProgress));
      member.sync.reset();
    }
  }
  group.join_not_before = now;
  if (group.state == GroupState::kEmpty && cluster_.group_initial_rebalance_delay_ms > 0) {
    // Give the other members of a starting application a moment to join the first generation.
    const int32_t delay =
        std::min(cluster_.group_initial_rebalance_delay_ms, group.MaxRebalanceTimeoutMs());
    group.join_not_before = now + std::chrono::milliseconds(delay);
    ScheduleSweep(group.join_not_before);
  }
  group.state = GroupState::kPreparingRebalance;
  group.rebalance_deadline = now + std::chrono::milliseconds(group.MaxRebalanceTimeoutMs());
  ScheduleSweep(group.rebalance_deadline);
  MaybeCompleteJoin(group);
}

void GroupCoordinator::MaybeCompleteJoin(Group& group) {
  if (group.state != GroupState::kPreparingRebalance) return;
  if (!group.AllMembersJoined() || Clock::now() < group.join_not_before) return;
  CompleteJoin(group);
}

void GroupCoordinator::CompleteJoin(Group& group) {
  std::vector<std::string> laggards;
  for (const auto& [id, member] : group.members) {
    if (!member.join) laggards.push_back(id);
  }
  for (const std::string& id : laggards) RemoveMember(group, id, ErrorCode::kUnknownMemberId);
  ++group.generation;
  if (group.members.empty()) {
    // As Kafka's initNextGeneration: a generation without members has no protocol, so an
    // Empty group describes with an empty protocol name (kept: the protocol type).
    group.state = GroupState::kEmpty;
    group.protocol_name.reset();
    group.leader.clear();
    PersistGroup(group);
    KPK_LOG_INFO("group {} is empty (generation {})", group.id(), group.generation);
    return;
  }
  group.protocol_name = group.SelectProtocol();
  if (!group.FindMember(group.leader)) group.leader = group.members.begin()->first;
  KPK_LOG_INFO("group {} generation {}: {} members, protocol {}, leader {}", group.id(),
               group.generation, group.members.size(), *group.protocol_name, group.leader);
  group.state = GroupState::kCompletingRebalance;
  group.sync_deadline = Clock::now() + std::chrono::milliseconds(group.MaxRebalanceTimeoutMs());
  ScheduleSweep(group.sync_deadline);
  for (auto& [id, member] : group.members) {
    member.assignment.clear();
    member.synced = false;
    JoinResult r = CurrentGeneration(group, member, id == group.leader);
    member.join->Complete(std::move(r));
    member.join.reset();
    Touch(member);
  }
}

Awaitable<SyncResult> GroupCoordinator::Sync(SyncRequest request) {
  std::shared_ptr<SyncWaiter> waiter;
  SyncResult result = StartSync(request, waiter);
  if (!waiter) co_return result;
  // Answered when the leader's assignment arrives, a new rebalance starts, the sync timeout
  // drops the laggards, or Stop().
  co_await waiter->event.Wait();
  co_return waiter->result ? std::move(*waiter->result)
                           : SyncError(ErrorCode::kRebalanceInProgress);
}

SyncResult GroupCoordinator::StartSync(const SyncRequest& request,
                                       std::shared_ptr<SyncWaiter>& waiter) {
  if (stopped_) return SyncError(ErrorCode::kCoordinatorNotAvailable);
  Group* group = Find(request.group_id);
  if (!group) return SyncError(ErrorCode::kUnknownMemberId);
  if (request.instance_id) {
    const std::string* current = group->StaticMemberId(*request.instance_id);
    if (current && *current != request.member_id) return SyncError(ErrorCode::kFencedInstanceId);
  }
  Member* member = group->FindMember(request.member_id);
  if (!member) return SyncError(ErrorCode::kUnknownMemberId);
  if (request.generation != group->generation) return SyncError(ErrorCode::kIllegalGeneration);
  if ((request.protocol_type && *request.protocol_type != group->protocol_type) ||
      (request.protocol_name && request.protocol_name != group->protocol_name)) {
    return SyncError(ErrorCode::kInconsistentGroupProtocol);
  }
  switch (group->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return SyncError(ErrorCode::kUnknownMemberId);
    case GroupState::kPreparingRebalance:
      return SyncError(ErrorCode::kRebalanceInProgress);
    case GroupState::kStable: {
      Touch(*member);
      SyncResult r;
      r.protocol_type = group->protocol_type;
      r.protocol_name = group->protocol_name;
      r.assignment = member->assignment;
      return r;
    }
    case GroupState::kCompletingRebalance:
      break;
  }
  if (member->sync) member->sync->Complete(SyncError(ErrorCode::kRebalanceInProgress));
  member->sync = waiter = std::make_shared<SyncWaiter>(io_.get_executor());
  member->synced = true;
  Touch(*member);
  if (member->id == group->leader) {
    for (const auto& [id, assignment] : request.assignments) {
      if (Member* target = group->FindMember(id)) target->assignment = assignment;
    }
    CompleteSync(*group);
  }
  return {};
}

void GroupCoordinator::CompleteSync(Group& group) {
  group.state = GroupState::kStable;
  PersistGroup(group);
  for (auto& [id, member] : group.members) {
    if (!member.sync) continue;
    SyncResult r;
    r.protocol_type = group.protocol_type;
    r.protocol_name = group.protocol_name;
    r.assignment = member.assignment;
    member.sync->Complete(std::move(r));
    member.sync.reset();
    Touch(member);
  }
}

void GroupCoordinator::RemoveMemberAndUpdate(Group& group, const std::string& member_id) {
  RemoveMember(group, member_id, ErrorCode::kUnknownMemberId);
  switch (group.state) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      PrepareRebalance(group);
      break;
    case GroupState::kPreparingRebalance:
      MaybeCompleteJoin(group);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

void GroupCoordinator::RemoveMember(Group& group, const std::string& member_id, ErrorCode reason) {
  auto it = group.members.find(member_id);
  if (it == group.members.end()) return;
  Member& member = it->second;
  if (member.join) member.join->Complete(JoinError(reason, member_id));
  if (member.sync) member.sync->Complete(SyncError(reason));
  if (member.instance_id) {
    auto s = group.static_members.find(*member.instance_id);
    if (s != group.static_members.end() && s->second == member_id) group.static_members.erase(s);
  }
  group.members.erase(it);
  if (group.leader == member_id) {
    group.leader = group.members.empty() ? "" : group.members.begin()->first;
  }
}

std::string GroupCoordinator::NewMemberId(std::string_view prefix) {
  // Kafka's shape: "<client id or instance id>-<uuid>".
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t hi = rng();
  const uint64_t lo = rng() ^ ++next_id_;
  return fmt::format("{}-{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", prefix, hi >> 32,
                     (hi >> 16) & 0xffff, hi & 0xfff, (lo >> 48 & 0x3fff) | 0x8000,
                     lo & 0xffffffffffffULL);
}

}  // namespace kpk::broker::groups
