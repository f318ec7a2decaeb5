// StateLog: replay, torn tails, damage in the middle, failed writes that must not break later
// appends, group commit and compaction, with faults injected through the FileSystem seam.
#include "broker/storage/state_log.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "fault_injection_fs.h"

namespace kpk::broker::storage::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr size_t kHeaderSize = 8;  // "KPKTST" | version u16

StateLog::Options LogOptions(const std::string& dir, FileSystem* file_system = nullptr) {
  StateLog::Options options;
  options.fs = file_system;
  options.path = dir + "/test.state";
  options.magic = "KPKTST";
  options.version = 1;
  options.sync = true;
  options.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  return options;
}

Bytes Frames(const std::vector<std::string>& bodies) {
  ByteWriter w;
  for (const auto& body : bodies) StateLog::AppendRecord(w, AsBytes(body));
  return w.Take();
}

struct Opened {
  std::unique_ptr<StateLog> log;
  std::vector<std::string> records;
};

Opened OpenLog(const std::string& dir, FileSystem* file_system = nullptr) {
  Opened out;
  auto log = StateLog::Open(LogOptions(dir, file_system), [&](ByteSpan body) {
    out.records.emplace_back(AsChars(body));
    return Status::OK();
  });
  REQUIRE_MESSAGE(log, log.error().ToString());
  out.log = std::move(*log);
  return out;
}

// The records a fresh process finds, through the real file system.
std::vector<std::string> Reopen(const std::string& dir) { return OpenLog(dir).records; }

Status Wait(const std::function<void(StateLog::Callback)>& start) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto result = promise->get_future();
  start([promise](const Status& s) { promise->set_value(s); });
  REQUIRE(result.wait_for(5s) == std::future_status::ready);
  return result.get();
}

Status AppendAndWait(StateLog& log, const std::vector<std::string>& bodies) {
  return Wait([&](StateLog::Callback done) { log.Append(Frames(bodies), std::move(done)); });
}

Status RewriteAndWait(StateLog& log, const std::vector<std::string>& bodies) {
  return Wait([&](StateLog::Callback done) { log.Rewrite(Frames(bodies), std::move(done)); });
}

std::string LogPath(const TempDir& dir) { return dir.path() + "/test.state"; }

TEST_CASE("records survive a close and a reopen, in order") {
  TempDir dir;
  {
    auto opened = OpenLog(dir.path());
    CHECK(opened.records.empty());
    CHECK(AppendAndWait(*opened.log, {"one", "two"}).ok());
    CHECK(AppendAndWait(*opened.log, {"three"}).ok());
    CHECK(opened.log->size() == fs::file_size(LogPath(dir)));
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("a short write is cut off before the next append") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  {
    auto opened = OpenLog(dir.path(), &faults);
    CHECK(AppendAndWait(*opened.log, {"before"}).ok());
    faults.SetSpaceLeft(3);  // the write stops inside the next frame's length field
    Status failed = AppendAndWait(*opened.log, {"lost"});
    CHECK(failed.code() == Status::Code::kNoSpace);
    faults.SetSpaceLeft(-1);
    CHECK(AppendAndWait(*opened.log, {"after"}).ok());
    CHECK(opened.log->stats().failed_writes == 1);
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"before", "after"});
}

TEST_CASE("ENOSPC inside a multi-record append loses the whole append, not the next one") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  {
    auto opened = OpenLog(dir.path(), &faults);
    // The first frame of the failed append fits whole; it must not come back either.
    faults.SetSpaceLeft(static_cast<int64_t>(StateLog::kFrameOverhead + 5 + 6));
    CHECK_FALSE(AppendAndWait(*opened.log, {"whole", "cut-in-the-middle"}).ok());
    faults.SetSpaceLeft(-1);
    CHECK(AppendAndWait(*opened.log, {"good"}).ok());
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"good"});
}

TEST_CASE("after a failed write, appends wait for the cut to succeed") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  {
    auto opened = OpenLog(dir.path(), &faults);
    faults.SetFailTruncate(true);
    faults.SetSpaceLeft(10);
    CHECK_FALSE(AppendAndWait(*opened.log, {"a record longer than ten bytes"}).ok());
    faults.SetSpaceLeft(-1);
    // Writing behind the broken bytes would make this append unreadable after a restart.
    CHECK_FALSE(AppendAndWait(*opened.log, {"refused"}).ok());
    faults.SetFailTruncate(false);
    CHECK(AppendAndWait(*opened.log, {"accepted"}).ok());
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"accepted"});
}

TEST_CASE("a failed fsync fails the batch and drops its records") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  {
    auto opened = OpenLog(dir.path(), &faults);
    CHECK(AppendAndWait(*opened.log, {"kept"}).ok());
    faults.SetFailSync(true);
    CHECK_FALSE(AppendAndWait(*opened.log, {"unsynced"}).ok());
    faults.SetFailSync(false);
    CHECK(AppendAndWait(*opened.log, {"later"}).ok());
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"kept", "later"});
}

TEST_CASE("a torn tail is cut on open and the log stays appendable") {
  TempDir dir;
  {
    auto opened = OpenLog(dir.path());
    CHECK(AppendAndWait(*opened.log, {"first", "second"}).ok());
  }
  const auto full = fs::file_size(LogPath(dir));
  const auto first_end = kHeaderSize + StateLog::kFrameOverhead + 5;
  SUBCASE("cut inside the last record") { fs::resize_file(LogPath(dir), full - 3); }
  SUBCASE("cut inside the last record's length") { fs::resize_file(LogPath(dir), first_end + 2); }
  SUBCASE("a flipped byte in the last record") {
    std::fstream f(LogPath(dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(full - 2));
    f.put('X');
  }
  {
    auto opened = OpenLog(dir.path());
    CHECK(opened.records == std::vector<std::string>{"first"});
    CHECK(fs::file_size(LogPath(dir)) == first_end);
    CHECK(AppendAndWait(*opened.log, {"third"}).ok());
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"first", "third"});
}

TEST_CASE("a damaged record followed by intact ones is corruption, reported with its offset") {
  TempDir dir;
  {
    auto opened = OpenLog(dir.path());
    CHECK(AppendAndWait(*opened.log, {"first", "second", "third"}).ok());
  }
  const auto second = kHeaderSize + StateLog::kFrameOverhead + 5;
  {
    std::fstream f(LogPath(dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(second + StateLog::kFrameOverhead + 1));
    f.put('X');
  }
  const auto size = fs::file_size(LogPath(dir));
  auto log = StateLog::Open(LogOptions(dir.path()), [](ByteSpan) { return Status::OK(); });
  REQUIRE_FALSE(log);
  CHECK(log.error().code() == Status::Code::kCorruption);
  const std::string message = log.error().ToString();
  CHECK_MESSAGE(message.find(LogPath(dir)) != std::string::npos, message);
  CHECK_MESSAGE(message.find("byte " + std::to_string(second)) != std::string::npos, message);
  CHECK(fs::file_size(LogPath(dir)) == size);  // nothing cut
}

TEST_CASE("a record the replay refuses fails the open") {
  TempDir dir;
  {
    auto opened = OpenLog(dir.path());
    CHECK(AppendAndWait(*opened.log, {"fine", "refused"}).ok());
  }
  auto log = StateLog::Open(LogOptions(dir.path()), [](ByteSpan body) {
    return AsChars(body) == "refused" ? Status::InvalidArgument("no") : Status::OK();
  });
  REQUIRE_FALSE(log);
  CHECK(log.error().code() == Status::Code::kCorruption);
}

TEST_CASE("a file of another user or version is refused, not overwritten") {
  TempDir dir;
  SUBCASE("another magic") { std::ofstream(LogPath(dir)) << std::string("KPKGRP\x00\x01", 8); }
  SUBCASE("a newer version") { std::ofstream(LogPath(dir)) << std::string("KPKTST\x00\x02", 8); }
  const auto size = fs::file_size(LogPath(dir));
  auto log = StateLog::Open(LogOptions(dir.path()), [](ByteSpan) { return Status::OK(); });
  CHECK_FALSE(log);
  CHECK(fs::file_size(LogPath(dir)) == size);
}

TEST_CASE("a file cut inside its header is recreated empty") {
  TempDir dir;
  std::ofstream(LogPath(dir)) << "KPK";
  auto opened = OpenLog(dir.path());
  CHECK(opened.records.empty());
  CHECK(fs::file_size(LogPath(dir)) == kHeaderSize);
}

TEST_CASE("concurrent appends share fsyncs") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  faults.SetSyncDelay(5ms);  // appends pile up behind each fsync
  auto opened = OpenLog(dir.path(), &faults);
  const uint64_t syncs_before = faults.file_syncs();
  constexpr int kAppends = 200;
  std::vector<std::future<Status>> results;
  for (int i = 0; i < kAppends; ++i) {
    auto promise = std::make_shared<std::promise<Status>>();
    results.push_back(promise->get_future());
    opened.log->Append(Frames({"record " + std::to_string(i)}),
                       [promise](const Status& s) { promise->set_value(s); });
  }
  for (auto& result : results) {
    REQUIRE(result.wait_for(10s) == std::future_status::ready);
    CHECK(result.get().ok());
  }
  const StateLog::Stats stats = opened.log->stats();
  CHECK(stats.appends == kAppends);
  CHECK(stats.syncs >= 1);
  CHECK(stats.syncs < kAppends / 2);
  CHECK(faults.file_syncs() - syncs_before == stats.syncs);
  opened.log->Close();
  CHECK(Reopen(dir.path()).size() == kAppends);
}

TEST_CASE("sync off never fsyncs") {
  TempDir dir;
  FaultInjectionFileSystem faults;
  StateLog::Options options = LogOptions(dir.path(), &faults);
  options.sync = false;
  auto log = StateLog::Open(options, [](ByteSpan) { return Status::OK(); });
  REQUIRE(log);
  CHECK(AppendAndWait(**log, {"a"}).ok());
  CHECK(RewriteAndWait(**log, {"b"}).ok());
  CHECK(faults.file_syncs() == 0);
  CHECK(faults.dir_syncs() == 0);
}

TEST_CASE("a rewrite replaces the file and later appends follow it") {
  TempDir dir;
  {
    auto opened = OpenLog(dir.path());
    CHECK(AppendAndWait(*opened.log, {"x=1", "x=2", "y=1", "x=3"}).ok());
    // Queued together: the appends before the rewrite are superseded, the one after is kept.
    opened.log->Append(Frames({"x=4"}), nullptr);
    CHECK(RewriteAndWait(*opened.log, {"x=4", "y=1"}).ok());
    CHECK(opened.log->size() == fs::file_size(LogPath(dir)));
    CHECK(AppendAndWait(*opened.log, {"y=2"}).ok());
    CHECK(opened.log->stats().rewrites == 1);
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"x=4", "y=1", "y=2"});
  CHECK_FALSE(fs::exists(LogPath(dir) + ".tmp"));
}

TEST_CASE("a crash before a rewrite's rename leaves the old log, and its tmp file is removed") {
  TempDir dir;
  {
    FaultInjectionFileSystem faults;
    auto opened = OpenLog(dir.path(), &faults);
    CHECK(AppendAndWait(*opened.log, {"a", "b"}).ok());
    faults.CrashBeforeRenameOf("test.state");
    CHECK_FALSE(RewriteAndWait(*opened.log, {"compacted"}).ok());
    CHECK(fs::exists(LogPath(dir) + ".tmp"));  // the dead process could not clean up
  }
  auto opened = OpenLog(dir.path());
  CHECK(opened.records == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(fs::exists(LogPath(dir) + ".tmp"));
  CHECK(AppendAndWait(*opened.log, {"c"}).ok());
  opened.log->Close();
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a machine crash keeps every acknowledged append") {
  TempDir dir;
  {
    FaultInjectionFileSystem faults;
    auto opened = OpenLog(dir.path(), &faults);
    CHECK(AppendAndWait(*opened.log, {"a"}).ok());
    CHECK(RewriteAndWait(*opened.log, {"a2"}).ok());
    CHECK(AppendAndWait(*opened.log, {"b"}).ok());
    faults.CrashMachine();
  }
  CHECK(Reopen(dir.path()) == std::vector<std::string>{"a2", "b"});
}

TEST_CASE("appends after Close fail at once") {
  TempDir dir;
  auto opened = OpenLog(dir.path());
  opened.log->Close();
  bool called = false;
  opened.log->Append(Frames({"late"}), [&](const Status& s) {
    called = true;
    CHECK_FALSE(s.ok());
  });
  CHECK(called);
}

}  // namespace
}  // namespace kpk::broker::storage::testing
