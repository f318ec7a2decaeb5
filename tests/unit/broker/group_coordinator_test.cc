// The group coordinator's state machine: joins, syncs, heartbeats, leaves, expiry, static
// members, and the rules on who may commit offsets.
#include <doctest/doctest.h>

#include "group_test_util.h"

namespace kpk::broker::groups::testing {
namespace {

// Joins one member and completes its generation as the leader assigning `assignment`.
JoinResult StableSingleMember(Fixture& f, const std::string& group, Bytes assignment = {1, 2}) {
  JoinResult joined = f.JoinAndWait(f.Join(group));
  REQUIRE(joined.error == ErrorCode::kNone);
  SyncResult synced = f.SyncAndWait(group, joined, {{joined.member_id, assignment}});
  REQUIRE(synced.error == ErrorCode::kNone);
  return joined;
}

TEST_CASE("a v4+ join first gets MEMBER_ID_REQUIRED and then a generation of its own") {
  TempDir dir;
  Fixture f(dir.path());
  JoinRequest r = f.Join("g");
  r.require_known_member_id = true;
  JoinResult first = f.JoinAndWait(r);
  CHECK(first.error == ErrorCode::kMemberIdRequired);
  REQUIRE(first.member_id.rfind("test-", 0) == 0);
  CHECK(f.coordinator->DescribeGroup("g").members.empty());

  r.member_id = first.member_id;
  JoinResult joined = f.JoinAndWait(r);
  CHECK(joined.error == ErrorCode::kNone);
  CHECK(joined.generation == 1);
  CHECK(joined.member_id == first.member_id);
  CHECK(joined.leader == first.member_id);
  CHECK(joined.protocol_name == "range");
  REQUIRE(joined.members.size() == 1);
  CHECK(joined.members[0].metadata == Subscription({"t"}));

  SyncResult synced = f.SyncAndWait("g", joined, {{joined.member_id, Bytes{7}}});
  CHECK(synced.error == ErrorCode::kNone);
  CHECK(synced.assignment == Bytes{7});
  CHECK(f.coordinator->Heartbeat("g", joined.member_id, std::nullopt, 1) == ErrorCode::kNone);
  GroupDescription d = f.coordinator->DescribeGroup("g");
  CHECK(d.state == GroupState::kStable);
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol_name == "range");
  REQUIRE(d.members.size() == 1);
  CHECK(d.members[0].client_host == "127.0.0.1");
  CHECK(d.members[0].assignment == Bytes{7});
}

TEST_CASE("a second member starts a rebalance that completes once the first rejoins") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "g");
  auto b = Spawn(f.io, f.coordinator->Join(f.Join("g")));
  RunFor(f.io, 20ms);
  CHECK_FALSE(b->has_value());  // parked until A rejoins
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kPreparingRebalance);
  CHECK(f.coordinator->Heartbeat("g", a.member_id, std::nullopt, 1) ==
        ErrorCode::kRebalanceInProgress);

  JoinResult a2 = f.JoinAndWait(f.Join("g", a.member_id));
  REQUIRE(RunUntil(f.io, [&] { return b->has_value(); }));
  JoinResult b2 = **b;
  CHECK(a2.generation == 2);
  CHECK(b2.generation == 2);
  CHECK(a2.leader == a.member_id);  // the leader is kept
  CHECK(a2.members.size() == 2);
  CHECK(b2.members.empty());

  // The follower waits for the leader's assignment.
  SyncRequest follower;
  follower.group_id = "g";
  follower.member_id = b2.member_id;
  follower.generation = 2;
  auto b_sync = Spawn(f.io, f.coordinator->Sync(follower));
  RunFor(f.io, 20ms);
  CHECK_FALSE(b_sync->has_value());
  SyncResult a_sync = f.SyncAndWait("g", a2, {{a2.member_id, Bytes{1}}, {b2.member_id, Bytes{2}}});
  CHECK(a_sync.assignment == Bytes{1});
  REQUIRE(RunUntil(f.io, [&] { return b_sync->has_value(); }));
  CHECK((*b_sync)->error == ErrorCode::kNone);
  CHECK((*b_sync)->assignment == Bytes{2});
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kStable);
}

TEST_CASE("a follower rejoining a stable group with the same metadata keeps the generation") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "g");
  auto b = Spawn(f.io, f.coordinator->Join(f.Join("g")));
  JoinResult a2 = f.JoinAndWait(f.Join("g", a.member_id));
  REQUIRE(RunUntil(f.io, [&] { return b->has_value(); }));
  JoinResult b2 = **b;
  auto b_sync = Spawn(f.io, f.coordinator->Sync(SyncRequest{"g", b2.member_id, {}, 2, {}, {}, {}}));
  f.SyncAndWait("g", a2, {{a2.member_id, Bytes{1}}, {b2.member_id, Bytes{2}}});
  REQUIRE(RunUntil(f.io, [&] { return b_sync->has_value(); }));

  JoinResult again = f.JoinAndWait(f.Join("g", b2.member_id));
  CHECK(again.error == ErrorCode::kNone);
  CHECK(again.generation == 2);
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kStable);
}

TEST_CASE("protocols: type and common protocol are enforced, the choice is by vote") {
  TempDir dir;
  Fixture f(dir.path());
  StableSingleMember(f, "g");
  JoinResult other = f.JoinAndWait(f.Join("g", "", {{"RoundRobinAssigner", Bytes{}}}));
  CHECK(other.error == ErrorCode::kInconsistentGroupProtocol);
  JoinRequest connect = f.Join("g");
  connect.protocol_type = "connect";
  CHECK(f.JoinAndWait(connect).error == ErrorCode::kInconsistentGroupProtocol);
  CHECK(f.JoinAndWait(f.Join("h", "", {})).error == ErrorCode::kInconsistentGroupProtocol);
  CHECK(f.coordinator->DescribeGroup("h").state == GroupState::kDead);  // not left behind

  // Two of three prefer roundrobin; range is everyone's second choice.
  auto p = [](std::vector<std::string> names) {
    std::vector<Protocol> out;
    for (auto& n : names) out.push_back({n, Bytes{}});
    return out;
  };
  f.cluster.group_initial_rebalance_delay_ms = 50;  // let all three join one generation
  auto m1 = Spawn(f.io, f.coordinator->Join(f.Join("v", "", p({"range", "roundrobin"}))));
  auto m2 = Spawn(f.io, f.coordinator->Join(f.Join("v", "", p({"roundrobin", "range"}))));
  auto m3 = Spawn(f.io, f.coordinator->Join(f.Join("v", "", p({"roundrobin", "range", "x"}))));
  REQUIRE(RunUntil(f.io, [&] { return m1->has_value() && m2->has_value() && m3->has_value(); }));
  CHECK((*m1)->generation == 1);
  CHECK((*m1)->protocol_name == "roundrobin");
  CHECK((*m3)->protocol_name == "roundrobin");
}

TEST_CASE("session timeouts outside the broker's bounds are refused") {
  TempDir dir;
  Fixture f(dir.path());
  JoinRequest r = f.Join("g");
  r.session_timeout_ms = 5;
  CHECK(f.JoinAndWait(r).error == ErrorCode::kInvalidSessionTimeout);
  r.session_timeout_ms = 60001;
  CHECK(f.JoinAndWait(r).error == ErrorCode::kInvalidSessionTimeout);
}

TEST_CASE("leaving and session expiry rebalance the group; the last one out leaves it Empty") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "g");
  auto b = Spawn(f.io, f.coordinator->Join(f.Join("g")));
  JoinResult a2 = f.JoinAndWait(f.Join("g", a.member_id));
  REQUIRE(RunUntil(f.io, [&] { return b->has_value(); }));
  f.SyncAndWait("g", a2, {});

  // A leaves: B must rejoin, and gets generation 3 alone, as leader.
  CHECK(f.coordinator->Leave("g", {{a.member_id, std::nullopt}}) ==
        std::vector<ErrorCode>{ErrorCode::kNone});
  CHECK(f.coordinator->Leave("g", {{"nobody", std::nullopt}}) ==
        std::vector<ErrorCode>{ErrorCode::kUnknownMemberId});
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kPreparingRebalance);
  JoinRequest rejoin = f.Join("g", (*b)->member_id);
  rejoin.session_timeout_ms = 50;
  JoinResult b3 = f.JoinAndWait(rejoin);
  CHECK(b3.generation == 3);
  CHECK(b3.leader == b3.member_id);
  f.SyncAndWait("g", b3, {});

  // B stops heartbeating: its session expires and the group empties.
  REQUIRE(RunUntil(f.io,
                   [&] { return f.coordinator->DescribeGroup("g").state == GroupState::kEmpty; }));
  // As Kafka: the empty generation has no protocol; the protocol type stays.
  GroupDescription emptied = f.coordinator->DescribeGroup("g");
  CHECK(emptied.protocol_name.empty());
  CHECK(emptied.protocol_type == "consumer");
  CHECK(f.coordinator->Heartbeat("g", b3.member_id, std::nullopt, 3) ==
        ErrorCode::kUnknownMemberId);
  // An empty group's next member starts from the next generation.
  CHECK(f.JoinAndWait(f.Join("g")).generation == 5);
}

TEST_CASE("members that do not rejoin within the rebalance timeout are dropped") {
  TempDir dir;
  Fixture f(dir.path());
  JoinRequest first = f.Join("g");
  first.rebalance_timeout_ms = 100;
  JoinResult a = f.JoinAndWait(first);
  f.SyncAndWait("g", a, {});
  JoinRequest second = f.Join("g");
  second.rebalance_timeout_ms = 100;
  const auto started = Clock::now();
  JoinResult b = f.JoinAndWait(second);  // A never rejoins
  CHECK(Clock::now() - started >= 90ms);
  CHECK(b.generation == 2);
  CHECK(b.leader == b.member_id);
  CHECK(b.members.size() == 1);
  CHECK(f.coordinator->Heartbeat("g", a.member_id, std::nullopt, 1) == ErrorCode::kUnknownMemberId);
}

TEST_CASE("a static member restarting with the same subscription replaces itself in place") {
  TempDir dir;
  Fixture f(dir.path());
  JoinRequest r = f.Join("g");
  r.instance_id = "instance-1";
  r.require_known_member_id = true;  // static members never get MEMBER_ID_REQUIRED
  JoinResult a = f.JoinAndWait(r);
  REQUIRE(a.error == ErrorCode::kNone);
  f.SyncAndWait("g", a, {{a.member_id, Bytes{9}}});

  // A new process: no member id, same instance id, and subscription metadata that differs in
  // bytes (the Java consumer's carries its owned partitions and generation): no rebalance.
  r.protocols = {{"range", Subscription({"t"})}};
  r.protocols[0].metadata.push_back(0);
  JoinResult again = f.JoinAndWait(r);
  CHECK(again.error == ErrorCode::kNone);
  CHECK(again.generation == a.generation);
  CHECK(again.member_id != a.member_id);
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kStable);
  SyncResult s = f.SyncAndWait("g", again, {});
  CHECK(s.assignment == Bytes{9});  // the assignment survives
  // The old incarnation is fenced.
  CHECK(f.coordinator->Heartbeat("g", a.member_id, "instance-1", a.generation) ==
        ErrorCode::kFencedInstanceId);
  Committer stale{"g", a.member_id, "instance-1", a.generation};
  auto errors = Await(f.io, f.coordinator->CommitOffsets(stale, {Offset("t", 0, 1)}));
  CHECK(errors == std::vector<ErrorCode>{ErrorCode::kFencedInstanceId});
  // Leaving by instance id works without the member id.
  CHECK(f.coordinator->Leave("g", {{"", "instance-1"}}) ==
        std::vector<ErrorCode>{ErrorCode::kNone});
  RunFor(f.io, 10ms);
  CHECK(f.coordinator->DescribeGroup("g").state == GroupState::kEmpty);
}

TEST_CASE("offset commits follow Kafka's membership rules") {
  TempDir dir;
  Fixture f(dir.path());
  auto commit = [&](Committer c, int64_t offset) {
    return Await(f.io, f.coordinator->CommitOffsets(c, {Offset("t", 0, offset, 3)})).front();
  };
  // A client that only stores offsets may commit to an unknown or empty group.
  CHECK(commit({"simple", "", std::nullopt, -1}, 10) == ErrorCode::kNone);
  CHECK(commit({"unknown", "m", std::nullopt, 4}, 10) == ErrorCode::kIllegalGeneration);

  JoinResult a = StableSingleMember(f, "g");
  CHECK(commit({"g", a.member_id, std::nullopt, a.generation}, 42) == ErrorCode::kNone);
  CHECK(commit({"g", a.member_id, std::nullopt, a.generation + 1}, 1) ==
        ErrorCode::kIllegalGeneration);
  CHECK(commit({"g", "stranger", std::nullopt, a.generation}, 1) == ErrorCode::kUnknownMemberId);
  CHECK(commit({"g", "", std::nullopt, -1}, 1) == ErrorCode::kUnknownMemberId);

  // Between JoinGroup and SyncGroup of a new generation, commits must wait.
  auto b = Spawn(f.io, f.coordinator->Join(f.Join("g")));
  // During PreparingRebalance the current generation may still commit.
  CHECK(commit({"g", a.member_id, std::nullopt, a.generation}, 43) == ErrorCode::kNone);
  JoinResult a2 = f.JoinAndWait(f.Join("g", a.member_id));
  REQUIRE(RunUntil(f.io, [&] { return b->has_value(); }));
  CHECK(commit({"g", a.member_id, std::nullopt, a2.generation}, 44) ==
        ErrorCode::kRebalanceInProgress);

  auto fetched = f.coordinator->FetchOffsets("g", std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
  REQUIRE(fetched.size() == 2);
  CHECK(fetched[0].value.offset == 43);
  CHECK(fetched[0].value.leader_epoch == 3);
  CHECK(fetched[0].value.metadata == "m43");
  CHECK(fetched[1].value.offset == -1);
  CHECK(fetched[1].error == ErrorCode::kNone);
  CHECK(f.coordinator->FetchOffsets("g", std::nullopt).size() == 1);
  CHECK(f.coordinator->FetchOffsets("nope", std::nullopt).empty());

  OffsetToCommit big = Offset("t", 2, 1);
  big.value.metadata.assign(5000, 'x');
  auto errors = Await(f.io, f.coordinator->CommitOffsets({"simple", "", std::nullopt, -1}, {big}));
  CHECK(errors.front() == ErrorCode::kOffsetMetadataTooLarge);
}

TEST_CASE("groups and offsets survive a restart; the group comes back Empty") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "g");
  Committer c{"g", a.member_id, std::nullopt, a.generation};
  Await(f.io, f.coordinator->CommitOffsets(c, {Offset("t", 0, 100, 2), Offset("t", 1, 200)}));
  Await(f.io, f.coordinator->CommitOffsets({"simple", "", std::nullopt, -1}, {Offset("u", 0, 5)}));
  f.Reopen();

  GroupDescription d = f.coordinator->DescribeGroup("g");
  CHECK(d.state == GroupState::kEmpty);
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol_name == "range");
  CHECK(d.members.empty());
  auto fetched = f.coordinator->FetchOffsets("g", std::nullopt);
  REQUIRE(fetched.size() == 2);
  CHECK(fetched[0].value.offset == 100);
  CHECK(fetched[0].value.leader_epoch == 2);
  CHECK(fetched[1].value.offset == 200);
  CHECK(f.coordinator->FetchOffsets("simple", std::nullopt).size() == 1);
  // The old member is gone; the generation carries on.
  CHECK(f.coordinator->Heartbeat("g", a.member_id, std::nullopt, a.generation) ==
        ErrorCode::kUnknownMemberId);
  CHECK(f.JoinAndWait(f.Join("g")).generation == a.generation + 1);
}

TEST_CASE("DeleteGroups removes empty groups only, durably") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "busy");
  Await(f.io, f.coordinator->CommitOffsets({"idle", "", std::nullopt, -1}, {Offset("t", 0, 1)}));
  auto errors = Await(f.io, f.coordinator->DeleteGroups({"busy", "idle", "missing"}));
  CHECK(errors == std::vector<ErrorCode>{ErrorCode::kNonEmptyGroup, ErrorCode::kNone,
                                         ErrorCode::kGroupIdNotFound});
  CHECK(f.coordinator->FetchOffsets("idle", std::nullopt).empty());
  f.Reopen();
  CHECK(f.coordinator->DescribeGroup("idle").state == GroupState::kDead);
  auto listed = f.coordinator->ListGroups({});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].group_id == "busy");
  CHECK(f.coordinator->ListGroups({"stable"}).empty());
  CHECK(f.coordinator->ListGroups({"EMPTY"}).size() == 1);
}

TEST_CASE("OffsetDelete refuses topics the active members subscribe to") {
  TempDir dir;
  Fixture f(dir.path());
  JoinResult a = StableSingleMember(f, "g");  // subscribes to "t"
  Committer c{"g", a.member_id, std::nullopt, a.generation};
  Await(f.io, f.coordinator->CommitOffsets(c, {Offset("t", 0, 1), Offset("old", 0, 2)}));
  OffsetDeleteResult r = Await(f.io, f.coordinator->DeleteOffsets("g", {{"t", 0}, {"old", 0}}));
  CHECK(r.error == ErrorCode::kNone);
  CHECK(r.partitions ==
        std::vector<ErrorCode>{ErrorCode::kGroupSubscribedToTopic, ErrorCode::kNone});
  CHECK(f.coordinator->FetchOffsets("g", std::nullopt).size() == 1);
  CHECK(Await(f.io, f.coordinator->DeleteOffsets("missing", {{"t", 0}})).error ==
        ErrorCode::kGroupIdNotFound);
}

TEST_CASE("Stop answers every parked request") {
  TempDir dir;
  Fixture f(dir.path());
  StableSingleMember(f, "g");
  auto b = Spawn(f.io, f.coordinator->Join(f.Join("g")));
  RunFor(f.io, 10ms);
  REQUIRE_FALSE(b->has_value());
  f.coordinator->Stop();
  REQUIRE(RunUntil(f.io, [&] { return b->has_value(); }));
  CHECK((*b)->error == ErrorCode::kCoordinatorNotAvailable);
  CHECK(f.JoinAndWait(f.Join("g")).error == ErrorCode::kCoordinatorNotAvailable);
}

}  // namespace
}  // namespace kpk::broker::groups::testing
