// Appends against a full disk: nothing acknowledged is lost, the log stays consistent, and
// appends work again once space is back.
#include <doctest/doctest.h>

#include <filesystem>

#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

constexpr int64_t kNow = 1700000000000;

std::shared_ptr<PartitionLog> OpenLog(const std::string& dir, FileSystem* fs,
                                      const LogConfig& config = LogConfig{}) {
  LogEnv env;
  env.fs = fs;
  env.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  auto log = PartitionLog::Open(dir, "t-0", config, env, kNow);
  REQUIRE_MESSAGE(log, log.error().ToString());
  return *log;
}

TEST_CASE("ENOSPC part way through a batch rolls the write back") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  auto log = OpenLog(tmp.path(), &fs);
  Bytes batch = MakeBatch(4, 200, kNow);
  for (int i = 0; i < 3; ++i) AppendCopy(*log, batch, kNow);
  std::string path = tmp.path() + "/00000000000000000000.log";
  uint64_t size = std::filesystem::file_size(path);

  for (int64_t space :
       {int64_t{0}, int64_t{1}, int64_t{61}, static_cast<int64_t>(batch.size() - 1)}) {
    CAPTURE(space);
    fs.SetSpaceLeft(space);
    Bytes copy = batch;
    auto result = log->Append(copy, kNow);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == Status::Code::kNoSpace);
    CHECK(std::filesystem::file_size(path) == size);
    CHECK(log->log_end_offset() == 12);
    CHECK(log->health().ok());
  }
  fs.SetSpaceLeft(-1);
  CHECK(AppendCopy(*log, batch, kNow) == 12);
  REQUIRE(log->Sync().ok());
  auto all = ReadAll(*log, 0);
  REQUIRE(all.size() == 4);
  CHECK(all.back().base_offset == 12);

  auto reopened = OpenLog(tmp.path(), DefaultFileSystem());
  CHECK(reopened->log_end_offset() == 16);
  CHECK(reopened->health().ok());
}

TEST_CASE("a full disk at a segment roll leaves the log usable") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  auto log = OpenLog(tmp.path(), &fs, SmallSegments(1024));
  Bytes batch = MakeBatch(2, 150, kNow);
  int64_t end = 0;
  int failures = 0;
  for (int i = 0; i < 40; ++i) {
    fs.SetSpaceLeft(i % 3 == 0 ? 100 : -1);
    Bytes copy = batch;
    auto result = log->Append(copy, kNow);
    if (result) {
      CHECK(result->base_offset == end);
      end = result->last_offset + 1;
    } else {
      CHECK(result.error().code() == Status::Code::kNoSpace);
      ++failures;
    }
  }
  fs.SetSpaceLeft(-1);
  CHECK(failures > 0);
  CHECK(log->log_end_offset() == end);
  REQUIRE(log->Close().ok());
  auto reopened = OpenLog(tmp.path(), DefaultFileSystem(), SmallSegments(1024));
  CHECK(reopened->health().ok());
  CHECK(reopened->log_end_offset() == end);
  auto all = ReadAll(*reopened, 0);
  REQUIRE(!all.empty());
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i].base_offset == all[i - 1].last_offset + 1);
}

TEST_CASE("a failed write that cannot be truncated is overwritten, or cut on restart") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  Bytes batch = MakeBatch(2, 100, kNow);
  std::string path = tmp.path() + "/00000000000000000000.log";
  auto fail_half_write = [&](PartitionLog& log) {
    fs.SetFailTruncate(true);
    fs.SetSpaceLeft(static_cast<int64_t>(batch.size() / 2));
    Bytes copy = batch;
    auto result = log.Append(copy, kNow);
    CHECK_FALSE(result);
    fs.SetSpaceLeft(-1);
    fs.SetFailTruncate(false);
  };
  {
    auto log = OpenLog(tmp.path(), &fs);
    AppendCopy(*log, batch, kNow);
    fail_half_write(*log);
    CHECK(std::filesystem::file_size(path) == batch.size() + batch.size() / 2);
    // The next append goes where the failed one started, over its leftovers.
    CHECK(AppendCopy(*log, batch, kNow) == 2);
    CHECK(std::filesystem::file_size(path) == 2 * batch.size());
    CHECK(ReadAll(*log, 0).size() == 2);
    REQUIRE(log->Sync().ok());
    // And if the process dies right after such a failure, recovery cuts the leftovers.
    fail_half_write(*log);
  }
  auto log = OpenLog(tmp.path(), DefaultFileSystem());
  CHECK(log->health().ok());
  CHECK(log->log_end_offset() == 4);
  CHECK(std::filesystem::file_size(path) == 2 * batch.size());
}

}  // namespace
}  // namespace kpk::broker::storage::testing
