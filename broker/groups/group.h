// A consumer group as the coordinator keeps it: the classic protocol's state machine
//
//   Empty -> PreparingRebalance -> CompletingRebalance -> Stable -> PreparingRebalance ...
//
// its members, and its committed offsets. Plain data plus the rules that need only the group
// itself (protocol vote, who has rejoined, what the members subscribe to); the transitions that
// answer waiting requests and touch the disk are the coordinator's. Event-loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "broker/groups/group_log_format.h"
#include "broker/net/async_event.h"
#include "broker/protocol/generated/error_code.h"
#include "common/bytes.h"

namespace kpk::broker::groups {

using Clock = std::chrono::steady_clock;
using protocol::ErrorCode;

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
};

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// Kafka's names ("Empty", "PreparingRebalance", ...), as DescribeGroups and ListGroups use.
std::string_view GroupStateName(GroupState state);
// Case-insensitive, as ListGroups' states filter is matched.
std::optional<GroupState> ParseGroupState(std::string_view name);

struct Protocol {
  std::string name;
  Bytes metadata;
  bool operator==(const Protocol&) const = default;
};

struct JoinedMember {
  std::string member_id;
  std::optional<std::string> instance_id;
  Bytes metadata;
};

struct JoinResult {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation = -1;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  std::string member_id;
  bool skip_assignment = false;
  std::vector<JoinedMember> members;  // the leader's only
};

struct SyncResult {
  ErrorCode error = ErrorCode::kNone;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  Bytes assignment;
};

inline JoinResult JoinError(ErrorCode error, std::string member_id = "") {
  JoinResult r;
  r.error = error;
  r.member_id = std::move(member_id);
  return r;
}

inline SyncResult SyncError(ErrorCode error) {
  SyncResult r;
  r.error = error;
  return r;
}

// The answer a parked JoinGroup or SyncGroup is waiting for. Shared by the coordinator, which
// completes it, and the request's coroutine, which waits on `event`.
template <typename T>
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : event(executor) {}
  AsyncEvent event;
  std::optional<T> result;

  void Complete(T value) {
    if (result) return;
    result = std::move(value);
    event.Notify();
  }
};
using JoinWaiter = Waiter<JoinResult>;
using SyncWaiter = Waiter<SyncResult>;

struct Member {
  std::string id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<Protocol> protocols;  // in the member's order of preference
  Bytes assignment;
  std::shared_ptr<JoinWaiter> join;  // set while its JoinGroup waits for the rebalance
  std::shared_ptr<SyncWaiter> sync;  // set while its SyncGroup waits for the leader
  bool synced = false;               // sent SyncGroup for the current generation
  Clock::time_point session_deadline{};

  // The subscription metadata for `protocol`, or null if the member does not support it.
  const Bytes* MetadataFor(std::string_view protocol) const;
};

class Group {
 public:
  explicit Group(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }

  // KIP-394/345 rules on who may join: an Empty group takes any non-empty protocol list;
  // otherwise the protocol type must match and at least one protocol must be supported by
  // every member.
  bool SupportsProtocols(std::string_view protocol_type,
                         const std::vector<Protocol>& protocols) const;
  // The protocol every member supports that most members prefer (each member votes for its
  // first choice among the candidates); ties go to the leader's preference.
  std::string SelectProtocol() const;
  // Every member is waiting in JoinGroup and no member id handed out by MEMBER_ID_REQUIRED is
  // still outstanding.
  bool AllMembersJoined() const;
  int32_t MaxRebalanceTimeoutMs() const;
  // Topics the members subscribe to (from the consumer protocol metadata); nullopt when that
  // is not known (another protocol type, or metadata that does not parse).
  std::optional<std::set<std::string>> SubscribedTopics() const;
  Member* FindMember(const std::string& member_id);
  // The member id a static member (group.instance.id) currently has, or null.
  const std::string* StaticMemberId(const std::string& instance_id) const;

  format::GroupMetadataRecord ToRecord() const;
  // Loads a persisted group: it comes back Empty, with its protocol and generation.
  void Restore(const format::GroupMetadataRecord& record);

  GroupState state = GroupState::kEmpty;
  int32_t generation = 0;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  std::map<std::string, Member> members;              // by member id
  std::map<std::string, std::string> static_members;  // group.instance.id -> member id
  // Member ids handed out with MEMBER_ID_REQUIRED, until the member rejoins or this expires.
  std::map<std::string, Clock::time_point> pending_members;
  Clock::time_point join_not_before{};     // initial rebalance delay of a new group
  Clock::time_point rebalance_deadline{};  // PreparingRebalance: laggards are dropped then
  Clock::time_point sync_deadline{};       // CompletingRebalance: members not synced are dropped
  std::map<TopicPartition, CommittedOffset> offsets;

 private:
  std::string id_;
};

}  // namespace kpk::broker::groups
