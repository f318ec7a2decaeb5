// The group coordinator: every consumer group on this broker (it coordinates them all), the
// classic rebalance protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), committed offsets,
// and the durable log both are kept in (group_log.h).
//
// Runs on the event loop, like the handlers that call it. JoinGroup and SyncGroup park their
// request on a Waiter until the rebalance allows an answer, so a waiting member never holds up
// other clients. Heartbeats only stamp a deadline; one timer sweeps all deadlines (sessions,
// rebalance and sync timeouts, KIP-394 pending members) when the earliest comes due.
//
// Durability: OffsetCommit, OffsetDelete and DeleteGroups answer once their records are on disk
// (many commits share an fsync on the log's writer thread). Group metadata (protocol type and
// name, generation, members and assignments) is written when a generation becomes Stable or the
// group becomes Empty, without waiting. After a restart every group is Empty with its protocol
// and generation, and its offsets.
//
// Transactions: the transaction coordinator keeps a transaction's offsets (durably, in its own
// log) until the transaction ends, and hands them here on commit through ApplyOffsets, the
// unchecked entry point; OffsetFetch asks it which offsets are still pending (require_stable).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/core/broker_config.h"
#include "broker/groups/group.h"
#include "broker/groups/group_log.h"
#include "broker/net/asio.h"
#include "common/status.h"

namespace kpk::broker::groups {

struct CoordinatorOptions {
  std::string data_dir;
  bool sync = true;          // false in developer mode: no fsync
  FileSystem* fs = nullptr;  // null: the real file system
  // The log is compacted once it is this large and more than twice its live data.
  uint64_t compact_min_bytes = 16 * 1024 * 1024;
  std::function<void(std::string_view)> warn;
};

struct JoinRequest {
  std::string group_id;
  std::string member_id;  // empty for a new member
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<Protocol> protocols;
  bool require_known_member_id = false;   // JoinGroup v4+ (KIP-394)
  bool supports_skip_assignment = false;  // JoinGroup v9+ (KIP-814)
};

struct SyncRequest {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> instance_id;
  int32_t generation = -1;
  std::optional<std::string> protocol_type;                // v5+
  std::optional<std::string> protocol_name;                // v5+
  std::vector<std::pair<std::string, Bytes>> assignments;  // the leader's
};

struct MemberIdentity {
  std::string member_id;
  std::optional<std::string> instance_id;
};

// Who is committing: a member of the current generation, or (generation -1, no member id) a
// client that only uses the group to store offsets.
struct Committer {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> instance_id;
  int32_t generation = -1;
};

struct OffsetToCommit {
  TopicPartition partition;
  CommittedOffset value;
};

struct FetchedOffset {
  TopicPartition partition;
  CommittedOffset value;  // offset -1 when nothing is committed
  ErrorCode error = ErrorCode::kNone;
};

struct OffsetDeleteResult {
  ErrorCode error = ErrorCode::kNone;  // the whole request
  std::vector<ErrorCode> partitions;   // in request order
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;
  GroupState state = GroupState::kEmpty;
};

struct MemberDescription {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  Bytes metadata;
  Bytes assignment;
};

struct GroupDescription {
  std::string group_id;
  GroupState state = GroupState::kDead;  // Dead: no such group
  std::string protocol_type;
  std::string protocol_name;
  std::vector<MemberDescription> members;
};

class GroupCoordinator {
 public:
  // `cluster` supplies the session timeout bounds and the initial rebalance delay, read at
  // each use so run-time config changes apply.
  GroupCoordinator(asio::io_context& io, const ClusterProperties& cluster,
                   CoordinatorOptions options);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // Opens the log and loads every group and offset from it.
  Status Open();
  // On the event loop at shutdown: answers every parked request (COORDINATOR_NOT_AVAILABLE)
  // and stops the timer, so the loop can finish.
  void Stop();
  // After the event loop has finished: writes what is queued and closes the log. Idempotent.
  void Close();

  // The coroutines take their arguments by value: they may run after the caller's temporaries
  // are gone.
  Awaitable<JoinResult> Join(JoinRequest request);
  Awaitable<SyncResult> Sync(SyncRequest request);
  ErrorCode Heartbeat(const std::string& group_id, const std::string& member_id,
                      const std::optional<std::string>& instance_id, int32_t generation);
  // One error per identity, in order.
  std::vector<ErrorCode> Leave(const std::string& group_id,
                               const std::vector<MemberIdentity>& members);

  // OffsetCommit: checks the committer against the group (generation, member, state), then
  // stores every offset durably. One error per offset, in order.
  Awaitable<std::vector<ErrorCode>> CommitOffsets(Committer committer,
                                                  std::vector<OffsetToCommit> offsets);
  // OffsetFetch: `partitions` nullopt means every partition with a committed offset.
  std::vector<FetchedOffset> FetchOffsets(
      const std::string& group_id,
      const std::optional<std::vector<TopicPartition>>& partitions) const;
  Awaitable<OffsetDeleteResult> DeleteOffsets(std::string group_id,
                                              std::vector<TopicPartition> partitions);

  // The checks a transactional offset commit makes against the group (TxnOffsetCommit v3+
  // carries generation and member); creates nothing.
  ErrorCode ValidateTxnOffsetCommit(const Committer& committer) const;
  // Stores offsets without any membership check (creating the group if needed), durably.
  Awaitable<ErrorCode> ApplyOffsets(std::string group_id, std::vector<OffsetToCommit> offsets);

  // ListGroups; an empty filter lists every state.
  std::vector<GroupListing> ListGroups(const std::vector<std::string>& states_filter) const;
  GroupDescription DescribeGroup(const std::string& group_id) const;
  // DeleteGroups: one error per group, in order (NON_EMPTY_GROUP while it has members).
  Awaitable<std::vector<ErrorCode>> DeleteGroups(std::vector<std::string> group_ids);

  GroupLog::Stats log_stats() const { return log_ ? log_->stats() : GroupLog::Stats{}; }

 private:
  using Records = std::vector<format::Record>;

  // Rebalance (coordinator_join.cc).
  JoinResult StartJoin(const JoinRequest& request, std::shared_ptr<JoinWaiter>& waiter);
  JoinResult JoinNewMember(Group& group, const JoinRequest& request,
                           std::shared_ptr<JoinWaiter>& waiter);
  JoinResult JoinKnownMember(Group& group, const JoinRequest& request,
                             std::shared_ptr<JoinWaiter>& waiter);
  JoinResult ReplaceStaticMember(Group& group, const JoinRequest& request,
                                 const std::string& old_id, std::shared_ptr<JoinWaiter>& waiter);
  void AddMemberAndRebalance(Group& group, const JoinRequest& request, const std::string& id,
                             std::shared_ptr<JoinWaiter>& waiter);
  void UpdateMemberAndRebalance(Group& group, Member& member, const JoinRequest& request,
                                std::shared_ptr<JoinWaiter>& waiter);
  JoinResult CurrentGeneration(Group& group, Member& member, bool with_members) const;
  SyncResult StartSync(const SyncRequest& request, std::shared_ptr<SyncWaiter>& waiter);
  void PrepareRebalance(Group& group);
  void MaybeCompleteJoin(Group& group);
  void CompleteJoin(Group& group);
  void CompleteSync(Group& group);
  // Removes a member (answering its parked requests) and moves the group on.
  void RemoveMemberAndUpdate(Group& group, const std::string& member_id);
  void RemoveMember(Group& group, const std::string& member_id, ErrorCode reason);
  std::string NewMemberId(std::string_view prefix);

  // Timers (coordinator.cc).
  void Touch(Member& member);
  void ScheduleSweep(Clock::time_point when);
  void Sweep();
  void SweepGroup(Group& group, Clock::time_point now);
  Clock::time_point NextDeadline() const;

  // Offsets and persistence (coordinator_offsets.cc).
  ErrorCode CheckCommitter(const Group* group, const Committer& committer,
                           bool transactional) const;
  Records Commit(Group& group, const std::vector<OffsetToCommit>& offsets);
  void Replay(const format::Record& record);
  void PersistGroup(const Group& group);
  void Persist(Records records);
  Awaitable<Status> PersistAndWait(Records records);
  void MaybeCompact();

  Group* Find(const std::string& group_id) const;
  Group& FindOrCreate(const std::string& group_id);

  asio::io_context& io_;
  const ClusterProperties& cluster_;
  CoordinatorOptions options_;
  std::unique_ptr<GroupLog> log_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  asio::steady_timer sweep_timer_;
  Clock::time_point sweep_at_ = Clock::time_point::max();
  uint64_t snapshot_bytes_ = 0;
  uint64_t next_id_ = 0;
  bool stopped_ = false;
};

}  // namespace kpk::broker::groups
