// Helpers for the group coordinator tests: a coordinator on its own io_context in a temporary
// data directory, and running its coroutines to completion with a bound.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "broker/groups/coordinator.h"
#include "broker/protocol/generated/consumer_protocol_subscription.h"

namespace kpk::broker::groups::testing {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kpk-groups-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs the loop until `done()` or `timeout`; returns whether `done()` became true.
inline bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(5ms);
  }
  return true;
}

// Runs the loop for a while, whatever happens.
inline void RunFor(asio::io_context& io, std::chrono::milliseconds duration) {
  RunUntil(
      io, [] { return false; }, duration);
}

// Starts a coroutine; its result appears in the returned slot once it finishes.
template <typename T>
std::shared_ptr<std::optional<T>> Spawn(asio::io_context& io, Awaitable<T> awaitable) {
  auto slot = std::make_shared<std::optional<T>>();
  asio::co_spawn(io, std::move(awaitable), [slot](std::exception_ptr e, T value) {
    REQUIRE(!e);
    *slot = std::move(value);
  });
  return slot;
}

// Runs a coroutine to completion (bounded) and returns its result.
template <typename T>
T Await(asio::io_context& io, Awaitable<T> awaitable) {
  auto slot = Spawn(io, std::move(awaitable));
  REQUIRE(RunUntil(io, [&] { return slot->has_value(); }));
  return std::move(**slot);
}

// Consumer protocol subscription metadata (v0) for `topics`.
inline Bytes Subscription(std::vector<std::string> topics) {
  protocol::ConsumerProtocolSubscription s;
  s.topics = std::move(topics);
  ByteWriter w;
  w.WriteInt16(0);
  s.Encode(w, 0);
  return w.Take();
}

struct Fixture {
  explicit Fixture(const std::string& dir) : data_dir(dir) {
    cluster.group_min_session_timeout_ms = 10;
    cluster.group_max_session_timeout_ms = 60000;
    Reopen();
  }
  ~Fixture() { Shutdown(); }

  void Shutdown() {
    if (!coordinator) return;
    coordinator->Stop();
    RunFor(io, 20ms);
    coordinator->Close();
    coordinator.reset();
  }

  // A fresh coordinator over the same data directory, as after a broker restart.
  void Reopen() {
    Shutdown();
    CoordinatorOptions options;
    options.data_dir = data_dir;
    options.sync = false;
    options.compact_min_bytes = compact_min_bytes;
    options.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
    coordinator = std::make_unique<GroupCoordinator>(io, cluster, std::move(options));
    Status s = coordinator->Open();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }

  JoinRequest Join(const std::string& group, const std::string& member = "",
                   std::vector<Protocol> protocols = {{"range", Subscription({"t"})}}) {
    JoinRequest r;
    r.group_id = group;
    r.member_id = member;
    r.client_id = "test";
    r.client_host = "127.0.0.1";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 10000;
    r.protocol_type = "consumer";
    r.protocols = std::move(protocols);
    return r;
  }

  // Joins a new member (v3 style, no MEMBER_ID_REQUIRED) and waits for the rebalance.
  JoinResult JoinAndWait(JoinRequest r) { return Await(io, coordinator->Join(std::move(r))); }

  SyncResult SyncAndWait(const std::string& group, const JoinResult& joined,
                         std::vector<std::pair<std::string, Bytes>> assignments = {}) {
    SyncRequest r;
    r.group_id = group;
    r.member_id = joined.member_id;
    r.generation = joined.generation;
    r.assignments = std::move(assignments);
    return Await(io, coordinator->Sync(std::move(r)));
  }

  asio::io_context io;
  ClusterProperties cluster;
  std::string data_dir;
  uint64_t compact_min_bytes = 16 * 1024 * 1024;
  std::unique_ptr<GroupCoordinator> coordinator;
};

inline OffsetToCommit Offset(const std::string& topic, int32_t partition, int64_t offset,
                             int32_t epoch = -1) {
  OffsetToCommit o;
  o.partition = {topic, partition};
  o.value.offset = offset;
  o.value.leader_epoch = epoch;
  o.value.metadata = "m" + std::to_string(offset);
  o.value.commit_timestamp_ms = 1700000000000;
  return o;
}

}  // namespace kpk::broker::groups::testing
