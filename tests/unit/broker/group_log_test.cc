// groups.log: record encoding, replay, torn tails, group commit and compaction.
#include "broker/groups/group_log.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "group_test_util.h"

namespace kpk::broker::groups::testing {
namespace {

namespace fs = std::filesystem;

format::GroupMetadataRecord SampleGroup() {
  format::GroupMetadataRecord g;
  g.group = "orders";
  g.protocol_type = "consumer";
  g.protocol_name = "cooperative-sticky";
  g.generation = 12;
  g.leader = "rdkafka-1";
  g.members.push_back({"rdkafka-1", std::nullopt, "rdkafka", "127.0.0.1", 45000, 300000,
                       Bytes{0, 1, 2}, Bytes{3, 4}});
  g.members.push_back({"static-2", "instance-2", "java", "10.0.0.2", 6000, 6000, {}, {}});
  return g;
}

std::vector<format::Record> Replay(const std::string& dir, GroupLog::Options options = {}) {
  std::vector<format::Record> records;
  options.data_dir = dir;
  options.sync = false;
  auto log = GroupLog::Open(options, [&](const format::Record& r) { records.push_back(r); });
  REQUIRE_MESSAGE(log, log.error().ToString());
  return records;
}

// Appends and waits until the writer thread reports.
Status AppendAndWait(GroupLog& log, const std::vector<format::Record>& records) {
  ByteWriter w;
  for (const auto& r : records) format::AppendRecord(w, r);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Status> result;
  log.Append(w.Take(), [&](const Status& s) {
    std::lock_guard lock(mu);
    result = s;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  REQUIRE(cv.wait_for(lock, 5s, [&] { return result.has_value(); }));
  return *result;
}

std::unique_ptr<GroupLog> OpenLog(const std::string& dir, bool sync = false) {
  GroupLog::Options options;
  options.data_dir = dir;
  options.sync = sync;
  auto log = GroupLog::Open(options, [](const format::Record&) {});
  REQUIRE_MESSAGE(log, log.error().ToString());
  return std::move(*log);
}

std::string LogPath(const std::string& dir) { return dir + "/groups/groups.log"; }

TEST_CASE("every record type survives a write and a replay") {
  TempDir dir;
  std::vector<format::Record> written = {
      format::OffsetCommitRecord{"g", "t", 3, 42, 7, std::string("meta"), 1700000000000},
      format::OffsetCommitRecord{"g", "t", 4, 0, -1, std::nullopt, -1},
      format::OffsetDeleteRecord{"g", "t", 3},
      SampleGroup(),
      format::GroupDeleteRecord{"old"},
  };
  {
    auto log = OpenLog(dir.path(), true);
    CHECK(AppendAndWait(*log, written).ok());
  }
  CHECK(Replay(dir.path()) == written);
}

TEST_CASE("a torn tail is cut off and the log stays appendable") {
  TempDir dir;
  format::Record first = format::OffsetCommitRecord{"g", "t", 0, 1, -1, std::string(""), 1};
  format::Record second = format::OffsetCommitRecord{"g", "t", 0, 2, -1, std::string(""), 2};
  {
    auto log = OpenLog(dir.path());
    CHECK(AppendAndWait(*log, {first, second}).ok());
  }
  const auto full = fs::file_size(LogPath(dir.path()));
  SUBCASE("cut inside the last record") { fs::resize_file(LogPath(dir.path()), full - 3); }
  SUBCASE("a flipped bit in the last record") {
    std::fstream f(LogPath(dir.path()), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(full - 2));
    f.put('\x7f');
  }
  SUBCASE("garbage after the last record") {
    std::ofstream f(LogPath(dir.path()), std::ios::app | std::ios::binary);
    f.write("\x00\x00\x01", 3);
  }
  const bool grew = fs::file_size(LogPath(dir.path())) > full;
  auto records = Replay(dir.path());
  REQUIRE(records.size() == (grew ? 2u : 1u));
  CHECK(records[0] == first);
  {
    auto log = OpenLog(dir.path());
    format::Record third = format::OffsetCommitRecord{"g", "t", 0, 3, -1, std::string(""), 3};
    CHECK(AppendAndWait(*log, {third}).ok());
  }
  auto after = Replay(dir.path());
  CHECK(std::get<format::OffsetCommitRecord>(after.back()).offset == 3);
}

TEST_CASE("a file that is not a group log is refused, not overwritten") {
  TempDir dir;
  fs::create_directories(dir.path() + "/groups");
  std::ofstream(LogPath(dir.path())) << "something else entirely";
  GroupLog::Options options;
  options.data_dir = dir.path();
  auto log = GroupLog::Open(options, [](const format::Record&) {});
  CHECK_FALSE(log);
}

TEST_CASE("concurrent appends share fsyncs") {
  TempDir dir;
  auto log = OpenLog(dir.path(), true);
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  constexpr int kAppends = 200;
  for (int i = 0; i < kAppends; ++i) {
    ByteWriter w;
    format::AppendRecord(w, format::OffsetCommitRecord{"g", "t", i % 8, i, -1, std::nullopt, i});
    log->Append(w.Take(), [&](const Status& s) {
      CHECK(s.ok());
      std::lock_guard lock(mu);
      ++done;
      cv.notify_one();
    });
  }
  std::unique_lock lock(mu);
  REQUIRE(cv.wait_for(lock, 10s, [&] { return done == kAppends; }));
  GroupLog::Stats stats = log->stats();
  CHECK(stats.appends == kAppends);
  CHECK(stats.syncs >= 1);
  CHECK(stats.syncs < kAppends);
}

TEST_CASE("the coordinator compacts its log and keeps only the latest values") {
  TempDir dir;
  Fixture f(dir.path());
  f.compact_min_bytes = 4096;
  f.Reopen();
  Committer simple{"g", "", std::nullopt, -1};
  for (int i = 0; i < 300; ++i) {
    Await(f.io, f.coordinator->CommitOffsets(simple, {Offset("t", 0, i), Offset("t", 1, 2 * i)}));
  }
  CHECK(f.coordinator->log_stats().rewrites >= 1);
  CHECK(fs::file_size(LogPath(dir.path())) < 3 * 4096);
  f.Reopen();
  auto fetched = f.coordinator->FetchOffsets("g", std::nullopt);
  REQUIRE(fetched.size() == 2);
  CHECK(fetched[0].value.offset == 299);
  CHECK(fetched[1].value.offset == 598);
}

}  // namespace
}  // namespace kpk::broker::groups::testing
