// Log compaction on real files: what a pass keeps (newest record per key, tombstones until
// delete.retention.ms, transactions, producers' last batches, compressed batches), when a pass
// is due, and that an interrupted swap recovers to the old or the new segments.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "broker/storage/compacted_batch.h"
#include "broker/storage/compression.h"
#include "broker/storage/log_cleaner.h"
#include "broker/storage/log_format.h"
#include "broker/storage/partition_log.h"
#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1700000000000;
constexpr int64_t kDay = 86400000;

struct Rec {
  int64_t offset;
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Rec&) const = default;
};

LogConfig Compacted(int64_t segment_bytes = 1024) {
  LogConfig config = SmallSegments(segment_bytes);
  config.cleanup_compact = true;
  config.cleanup_delete = false;
  return config;
}

std::shared_ptr<PartitionLog> OpenLog(const std::string& dir, const LogConfig& config) {
  LogEnv env;
  env.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  auto log = PartitionLog::Open(dir, "t-0", config, env, kNow);
  REQUIRE_MESSAGE(log, log.error().ToString());
  return *log;
}

Bytes KeyedBatch(const std::vector<std::pair<std::string, std::optional<std::string>>>& records,
                 int64_t timestamp, protocol::RecordBatchBuilder::Options options = {}) {
  protocol::RecordBatchBuilder builder(options);
  for (const auto& [key, value] : records) {
    builder.Add(timestamp, AsBytes(key),
                value ? std::optional<ByteSpan>(AsBytes(*value)) : std::nullopt);
  }
  return builder.Build();
}

int64_t Put(PartitionLog& log, const std::string& key, std::optional<std::string> value,
            int64_t timestamp = kNow) {
  return AppendCopy(log, KeyedBatch({{key, value}}, timestamp), kNow);
}

// Every data record from the log start, read through Read() as a consumer would.
std::vector<Rec> ReadRecords(const PartitionLog& log) {
  std::vector<Rec> out;
  int64_t offset = log.log_start_offset();
  for (int i = 0; i < 10000 && offset < log.log_end_offset(); ++i) {
    auto read = log.Read(offset, 1 << 20);
    REQUIRE_MESSAGE(read, read.error().ToString());
    REQUIRE(read->next_offset > offset);
    protocol::RecordSetIterator it(read->records);
    ByteSpan bytes;
    while (it.Next(&bytes)) {
      // Cleaned batches keep their lastOffsetDelta with fewer records: only the CRC holds.
      auto view = protocol::RecordBatchView::Parse(bytes);
      REQUIRE(view);
      REQUIRE(view->ComputeCrc() == view->crc());
      if (view->is_control()) continue;
      auto opened = OpenedBatch::Open(*view);
      REQUIRE(opened);
      REQUIRE(opened
                  ->ForEach([&](const protocol::RecordView& r, ByteSpan) {
                    out.push_back(
                        {view->base_offset() + r.offset_delta, std::string(AsChars(*r.key)),
                         r.value ? std::optional(std::string(AsChars(*r.value))) : std::nullopt});
                  })
                  .ok());
    }
    offset = read->next_offset;
  }
  return out;
}

// (base offset, record count, control) of every batch from the log start.
std::vector<std::tuple<int64_t, int32_t, bool>> BatchHeaders(const PartitionLog& log) {
  std::vector<std::tuple<int64_t, int32_t, bool>> batches;
  REQUIRE(log.ScanBatches([](const BatchHeader&) { return false; },
                          [&](ByteSpan bytes, bool) {
                            auto v = protocol::RecordBatchView::ParseHeader(bytes);
                            batches.emplace_back(v->base_offset(), v->record_count(),
                                                 v->is_control());
                            return Status::OK();
                          })
              .ok());
  return batches;
}

std::optional<CleaningStats> Clean(PartitionLog& log, int64_t now = kNow) {
  REQUIRE(log.Sync().ok());
  auto stats = log.Compact(now, CleanerLimits{});
  REQUIRE_MESSAGE(stats, stats.error().ToString());
  return *stats;
}

TEST_CASE("compaction keeps the newest record of each key and leaves the active segment") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted());
  std::map<std::string, Rec> newest;
  for (int i = 0; i < 200; ++i) {
    std::string key = "k" + std::to_string(i % 7);
    std::string value = "v" + std::to_string(i);
    newest[key] = {Put(*log, key, value), key, value};
  }
  const int64_t end = log->log_end_offset();
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "k0", "after-roll");
  newest["k0"] = {end, "k0", "after-roll"};

  auto stats = Clean(*log);
  REQUIRE(stats);
  CHECK(stats->records_removed > 150);
  CHECK(stats->end_offset == end);
  CHECK(log->cleaner_offset() == end);
  CHECK(log->log_end_offset() == end + 1);
  std::vector<Rec> records = ReadRecords(*log);
  // Each key once, except k0, whose cleaned value stays until the active segment is cleaned.
  std::map<std::string, int> count;
  for (const Rec& r : records) ++count[r.key];
  CHECK(count["k0"] == 2);
  for (int k = 1; k < 7; ++k) CHECK(count["k" + std::to_string(k)] == 1);
  for (size_t i = 1; i < records.size(); ++i) CHECK(records[i].offset > records[i - 1].offset);
  for (const auto& [key, rec] : newest) {
    CHECK(std::find(records.begin(), records.end(), rec) != records.end());
  }
  // Fetching an offset compaction removed starts at the next record kept.
  auto read = log->Read(0, 1 << 20);
  REQUIRE(read);
  CHECK(!read->records.empty());

  SUBCASE("a reopened log reads the same") {
    REQUIRE(log->Close().ok());
    auto reopened = OpenLog(tmp.path(), Compacted());
    CHECK(ReadRecords(*reopened) == records);
    CHECK(reopened->cleaner_offset() == end);
    CHECK(reopened->health().ok());
  }
  SUBCASE("a second pass with nothing dirty does nothing") {
    auto again = Clean(*log);
    CHECK(!again);
  }
}

TEST_CASE("compaction waits for min.cleanable.dirty.ratio and min.compaction.lag.ms") {
  TempDir tmp;
  LogConfig config = Compacted();
  config.min_cleanable_dirty_ratio = 0.99;
  auto log = OpenLog(tmp.path(), config);
  for (int i = 0; i < 40; ++i) Put(*log, "k" + std::to_string(i), "v");
  REQUIRE(log->Roll(kNow).ok());
  auto first = Clean(*log);
  REQUIRE(first);  // everything is dirty the first time
  for (int i = 0; i < 4; ++i) Put(*log, "k" + std::to_string(i), "w");
  REQUIRE(log->Roll(kNow).ok());
  CHECK(!Clean(*log));  // 4 of 44 records dirty: under 0.99

  config.min_cleanable_dirty_ratio = 0.01;
  config.min_compaction_lag_ms = 60000;
  log->SetConfig(config);
  CHECK(!Clean(*log));  // too young
  CHECK(Clean(*log, kNow + 60001));
  CHECK(ReadRecords(*log).size() == 40);
}

TEST_CASE("max.compaction.lag.ms forces a clean below the ratio and rolls the active segment") {
  TempDir tmp;
  LogConfig config = Compacted(1 << 20);
  config.min_cleanable_dirty_ratio = 0.99;
  config.max_compaction_lag_ms = 60000;
  auto log = OpenLog(tmp.path(), config);
  for (int i = 0; i < 40; ++i) Put(*log, "k" + std::to_string(i), "v");
  REQUIRE(log->Roll(kNow).ok());
  REQUIRE(Clean(*log));
  Put(*log, "k0", "w");
  // The active segment is older than max.compaction.lag.ms at the next append: it rolls.
  AppendCopy(*log, KeyedBatch({{"k1", "w"}}, kNow + 60001), kNow + 60001);
  CHECK(log->segment_count() == 3);
  CHECK(!Clean(*log, kNow + 1000));  // 1 of 41 records dirty, and not late yet
  REQUIRE(Clean(*log, kNow + 60001));
  CHECK(ReadRecords(*log).size() == 41);
}

TEST_CASE("tombstones stay for delete.retention.ms, then go") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted());
  Put(*log, "a", "1");
  Put(*log, "b", "1");
  Put(*log, "a", std::nullopt);
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "c", "1");
  REQUIRE(Clean(*log));
  std::vector<Rec> records = ReadRecords(*log);
  CHECK(records == std::vector<Rec>{{1, "b", "1"}, {2, "a", std::nullopt}, {3, "c", "1"}});
  CHECK(!Clean(*log, kNow + kDay - 1));  // nothing dirty and no tombstone expired
  REQUIRE(Clean(*log, kNow + kDay + 1));
  CHECK(ReadRecords(*log) == std::vector<Rec>{{1, "b", "1"}, {3, "c", "1"}});
}

TEST_CASE("aborted transactions go, markers stay while needed, producers keep a last batch") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted(1 << 20));
  protocol::RecordBatchBuilder::Options txn{
      .producer_id = 7, .producer_epoch = 1, .base_sequence = 0, .transactional = true};
  AppendCopy(*log, KeyedBatch({{"x", "aborted"}}, kNow, txn), kNow);
  AppendCopy(*log, protocol::BuildControlBatch({protocol::ControlType::kAbort, 0}, 7, 1, kNow),
             kNow);
  txn.base_sequence = 1;
  AppendCopy(*log, KeyedBatch({{"y", "committed"}}, kNow, txn), kNow);
  AppendCopy(*log, protocol::BuildControlBatch({protocol::ControlType::kCommit, 0}, 7, 1, kNow),
             kNow);
  protocol::RecordBatchBuilder::Options idempotent{
      .producer_id = 9, .producer_epoch = 0, .base_sequence = 0};
  AppendCopy(*log, KeyedBatch({{"y", "newer"}}, kNow, idempotent), kNow);
  idempotent.base_sequence = 1;
  AppendCopy(*log, KeyedBatch({{"y", "newest"}, {"z", "1"}}, kNow, idempotent), kNow);
  REQUIRE(log->Roll(kNow).ok());
  // An open transaction: nothing from here on is cleaned.
  txn.base_sequence = 2;
  AppendCopy(*log, KeyedBatch({{"z", "open"}}, kNow, txn), kNow);
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "tail", "1");

  REQUIRE(Clean(*log));
  CHECK(ReadRecords(*log) ==
        std::vector<Rec>{{5, "y", "newest"}, {6, "z", "1"}, {7, "z", "open"}, {8, "tail", "1"}});
  // Which batches are left, header by header.
  // Producer 7's last data batch is the open one at 7, so its aborted batch and its superseded
  // committed one go; their markers are younger than delete.retention.ms and stay. Producer 9's
  // superseded first batch goes.
  CHECK(BatchHeaders(*log) ==
        std::vector<std::tuple<int64_t, int32_t, bool>>{
            {1, 1, true}, {3, 1, true}, {5, 2, false}, {7, 1, false}, {8, 1, false}});
  // Past delete.retention.ms the markers with nothing left of their transaction go too.
  REQUIRE(Clean(*log, kNow + kDay + 1));
  CHECK(BatchHeaders(*log) == std::vector<std::tuple<int64_t, int32_t, bool>>{
                                  {5, 2, false}, {7, 1, false}, {8, 1, false}});
}

TEST_CASE("a producer's only batch stays as an empty batch when its records are superseded") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted(1 << 20));
  protocol::RecordBatchBuilder::Options idempotent{
      .producer_id = 3, .producer_epoch = 0, .base_sequence = 41};
  AppendCopy(*log, KeyedBatch({{"k", "old"}, {"j", "old"}}, kNow, idempotent), kNow);
  Put(*log, "k", "new");
  Put(*log, "j", "new");
  REQUIRE(log->Roll(kNow).ok());
  REQUIRE(Clean(*log));
  auto read = log->Read(0, 1 << 20);
  REQUIRE(read);
  auto first = protocol::RecordBatchView::Parse(
      ByteSpan(read->records).subspan(0, LoadBigEndian<int32_t>(read->records.data() + 8) + 12));
  REQUIRE(first);
  CHECK(first->record_count() == 0);
  CHECK(first->last_offset_delta() == 1);
  CHECK(first->producer_id() == 3);
  CHECK(first->base_sequence() == 41);
  CHECK(protocol::ValidateRecordBatch(first->data()).ok() == false);  // count 0: not producible
  CHECK(first->ComputeCrc() == first->crc());
  CHECK(ReadRecords(*log) == std::vector<Rec>{{2, "k", "new"}, {3, "j", "new"}});
}

TEST_CASE("compressed batches are filtered and compressed again with their codec") {
  for (auto codec : {protocol::Compression::kGzip, protocol::Compression::kSnappy,
                     protocol::Compression::kLz4, protocol::Compression::kZstd}) {
    CAPTURE(static_cast<int>(codec));
    TempDir tmp;
    auto log = OpenLog(tmp.path(), Compacted(1 << 20));
    protocol::RecordBatchBuilder builder;
    for (int i = 0; i < 50; ++i) {
      std::string key = "k" + std::to_string(i % 5);
      std::string value = "value-" + std::to_string(i);
      builder.Add(kNow, AsBytes(key), AsBytes(value));
    }
    Bytes plain = builder.Build();
    auto view = protocol::RecordBatchView::Parse(plain);
    auto packed = Compress(codec, view->records_data());
    REQUIRE(packed);
    Bytes batch(protocol::batch_header::kSize + packed->size());
    std::copy_n(plain.begin(), protocol::batch_header::kSize, batch.begin());
    std::copy(packed->begin(), packed->end(), batch.begin() + protocol::batch_header::kSize);
    StoreBigEndian<int32_t>(batch.data() + 8, static_cast<int32_t>(batch.size() - 12));
    StoreBigEndian<int16_t>(batch.data() + 21, static_cast<int16_t>(codec));
    protocol::StoreCrc(batch);
    AppendCopy(*log, batch, kNow);
    REQUIRE(log->Roll(kNow).ok());
    Put(*log, "tail", "1");
    REQUIRE(Clean(*log));
    std::vector<Rec> records = ReadRecords(*log);
    CHECK(records == std::vector<Rec>{{45, "k0", "value-45"},
                                      {46, "k1", "value-46"},
                                      {47, "k2", "value-47"},
                                      {48, "k3", "value-48"},
                                      {49, "k4", "value-49"},
                                      {50, "tail", "1"}});
    auto read = log->Read(0, 1 << 20);
    auto kept = protocol::RecordBatchView::Parse(
        ByteSpan(read->records).subspan(0, LoadBigEndian<int32_t>(read->records.data() + 8) + 12));
    REQUIRE(kept);
    CHECK(kept->compression() == codec);
    CHECK(kept->record_count() == 5);
    CHECK(kept->last_offset_delta() == 49);
  }
}

TEST_CASE("the cleaner stops within its pace, leaving the log as it was") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted(1 << 20));
  for (int i = 0; i < 500; ++i) Put(*log, "k" + std::to_string(i % 10), std::string(200, 'v'));
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "tail", "1");
  REQUIRE(log->Sync().ok());
  const std::vector<Rec> before = ReadRecords(*log);
  CleanerOptions options;
  options.interval_ms = 1;
  options.io_max_bytes_per_second = 10000;  // the pass would take about 20 s
  options.info = [](std::string_view) {};
  options.warn = [](std::string_view line) { FAIL(std::string(line)); };
  LogCleaner cleaner([&] { return std::vector<std::shared_ptr<PartitionLog>>{log}; }, options);
  cleaner.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  cleaner.Stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  CHECK(cleaner.totals().partitions_cleaned == 0);
  CHECK(ReadRecords(*log) == before);
  // The stopped pass did not count as a clean: the next one maps the same keys again.
  CHECK(log->cleaner_offset() == 0);
  CHECK(!fs::exists(JoinPath(tmp.path(), std::string(format::kCleanerOffsetFileName))));
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    CHECK(!e.path().string().ends_with(std::string(format::kCleanedSuffix)));
  }
}

TEST_CASE("deleting the topic ends a clean in progress before MarkDeleted returns") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted(1 << 20));
  for (int i = 0; i < 500; ++i) Put(*log, "k" + std::to_string(i % 10), std::string(200, 'v'));
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "tail", "1");
  REQUIRE(log->Sync().ok());
  CleanerLimits limits;
  // About 20 s for the pass at this pace.
  limits.throttle = [](uint64_t bytes) {
    std::this_thread::sleep_for(std::chrono::microseconds(bytes * 100));
  };
  std::thread cleaning([&] { (void)log->Compact(kNow, limits); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  log->MarkDeleted();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  cleaning.join();
  CHECK(log->cleaner_offset() == 0);
}

// The files of a partition directory, name -> bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    files[e.path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

void Restore(const std::string& dir, const std::map<std::string, std::string>& files) {
  for (const auto& e : fs::directory_iterator(dir)) fs::remove(e.path());
  for (const auto& [name, bytes] : files) {
    std::ofstream out(JoinPath(dir, name), std::ios::binary);
    out << bytes;
  }
}

TEST_CASE("a swap interrupted by a crash recovers to the old or the new segments") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), Compacted(256));
  // Batches of three records, so that cleaning keeps parts of batches: recovery must accept
  // batches with fewer records than offsets.
  for (int i = 0; i < 20; ++i) {
    std::vector<std::pair<std::string, std::optional<std::string>>> records;
    for (int j = 0; j < 3; ++j) {
      records.emplace_back("k" + std::to_string((3 * i + j) % 4), "v" + std::to_string(i));
    }
    AppendCopy(*log, KeyedBatch(records, kNow), kNow);
  }
  REQUIRE(log->Roll(kNow).ok());
  Put(*log, "tail", "1");
  REQUIRE(log->Sync().ok());
  const std::vector<Rec> before = ReadRecords(*log);
  REQUIRE(log->Close().ok());
  const auto old_files = Snapshot(tmp.path());

  // One group for the whole cleaned range: cleaned with a larger segment.bytes.
  log = OpenLog(tmp.path(), Compacted(1 << 20));
  auto stats = Clean(*log);
  REQUIRE(stats);
  REQUIRE(stats->segments_before > 1);
  const std::vector<Rec> after = ReadRecords(*log);
  REQUIRE(log->Close().ok());
  const auto new_files = Snapshot(tmp.path());
  const std::string first_log = format::SegmentFileName(0, format::kLogSuffix);
  const std::string cleaned = first_log + std::string(format::kCleanedSuffix);

  SUBCASE("before the swap was committed: the old segments") {
    auto files = old_files;
    files[cleaned] = new_files.at(first_log);
    Restore(tmp.path(), files);
    CHECK(ReadRecords(*OpenLog(tmp.path(), Compacted(256))) == before);
    CHECK(!fs::exists(JoinPath(tmp.path(), cleaned)));
  }
  SUBCASE("after it was committed, before any file moved: the new segments") {
    auto files = old_files;
    files[cleaned] = new_files.at(first_log);
    // The swap the pass committed: the segments up to the last one cleaned.
    int64_t end = 0;
    for (const auto& [name, bytes] : old_files) {
      if (auto base = format::ParseSegmentFileName(name, format::kLogSuffix)) end = *base;
    }
    files[std::string(format::kCleaningFileName)] =
        std::string(AsChars(format::EncodeCleaningSwap({0, end, true})));
    // Written before any swap: the offset below which the log may have gaps.
    files[std::string(format::kCompactedBelowFileName)] =
        std::string(AsChars(format::EncodeCheckpoint(end)));
    // No recovery point: every batch is checked in full, the cleaned ones included.
    files.erase(std::string(format::kRecoveryPointFileName));
    Restore(tmp.path(), files);
    auto reopened = OpenLog(tmp.path(), Compacted(256));
    CHECK(ReadRecords(*reopened) == after);
    CHECK(reopened->health().ok());
    CHECK(!fs::exists(JoinPath(tmp.path(), std::string(format::kCleaningFileName))));
  }
}

}  // namespace
}  // namespace kpk::broker::storage::testing
