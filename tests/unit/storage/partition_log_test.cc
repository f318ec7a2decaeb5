#include "broker/storage/partition_log.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broker/storage/compression.h"
#include "broker/storage/log_format.h"
#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

constexpr int64_t kNow = 1700000000000;

std::shared_ptr<PartitionLog> OpenLog(const std::string& dir, const LogConfig& config,
                                      FileSystem* fs = nullptr, int64_t now = kNow) {
  LogEnv env;
  if (fs) env.fs = fs;
  env.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  auto log = PartitionLog::Open(dir, "t-0", config, env, now);
  REQUIRE_MESSAGE(log, log.error().ToString());
  return *log;
}

std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.ends_with(".log")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void AppendRawBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

TEST_CASE("append assigns consecutive offsets and read returns whole batches") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), LogConfig{});
  CHECK(log->log_start_offset() == 0);
  CHECK(log->log_end_offset() == 0);

  Bytes batch = MakeBatch(5, 10, kNow);
  Bytes stamped = batch;
  auto first = log->Append(stamped, kNow);
  REQUIRE(first);
  CHECK(first->base_offset == 0);
  CHECK(first->last_offset == 4);
  CHECK(first->log_append_time_ms == -1);
  // The caller's bytes were stamped in place and are still a valid batch.
  CHECK(protocol::ValidateRecordBatch(stamped).ok());
  CHECK(protocol::RecordBatchView::Parse(stamped)->partition_leader_epoch() == kLeaderEpoch);
  CHECK(AppendCopy(*log, batch, kNow) == 5);
  CHECK(AppendCopy(*log, MakeBatch(1, 10, kNow), kNow) == 10);
  CHECK(log->log_end_offset() == 11);
  CHECK(log->high_watermark() == 11);
  CHECK(log->size_bytes() == 2 * batch.size() + MakeBatch(1, 10, kNow).size());

  auto all = log->Read(0, 1 << 20);
  REQUIRE(all);
  CHECK(all->high_watermark == 11);
  auto batches = Summarize(all->records);
  REQUIRE(batches.size() == 3);
  CHECK(batches[1].base_offset == 5);
  CHECK(batches[2].last_offset == 10);

  SUBCASE("an offset inside a batch returns that whole batch") {
    auto read = log->Read(7, 1 << 20);
    REQUIRE(read);
    auto b = Summarize(read->records);
    REQUIRE(b.size() == 2);
    CHECK(b[0].base_offset == 5);
  }
  SUBCASE("max_bytes stops before a batch that does not fit, but never returns nothing") {
    auto read = log->Read(0, batch.size() + 10);
    REQUIRE(read);
    CHECK(Summarize(read->records).size() == 1);
    auto tiny = log->Read(0, 1);
    REQUIRE(tiny);
    CHECK(tiny->records.size() == batch.size());
  }
  SUBCASE("the log end reads as empty; beyond it or below the start is out of range") {
    auto at_end = log->Read(11, 100);
    REQUIRE(at_end);
    CHECK(at_end->records.empty());
    CHECK(log->Read(12, 100).error().code() == Status::Code::kNotFound);
    CHECK(log->Read(-1, 100).error().code() == Status::Code::kNotFound);
  }
}

TEST_CASE("segments roll by size, are named by base offset, and reads use the index") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), SmallSegments(4096));
  Bytes batch = MakeBatch(3, 100, kNow);  // ~ 400 bytes
  std::vector<int64_t> bases;
  for (int i = 0; i < 100; ++i) bases.push_back(AppendCopy(*log, batch, kNow));
  CHECK(log->log_end_offset() == 300);
  CHECK(log->segment_count() > 5);
  auto files = LogFiles(tmp.path());
  CHECK(files.size() == log->segment_count());
  CHECK(files.front() == "00000000000000000000.log");
  for (const std::string& f : files) {
    CHECK(std::filesystem::file_size(tmp.path() + "/" + f) <= 4096);
    auto base = format::ParseSegmentFileName(f, format::kLogSuffix);
    REQUIRE(base);
    CHECK(*base % 3 == 0);
  }
  // Every offset finds the batch holding it.
  for (int64_t offset = 0; offset < 300; offset += 7) {
    auto read = log->Read(offset, 1);
    REQUIRE(read);
    auto b = Summarize(read->records);
    REQUIRE(b.size() == 1);
    CHECK(b[0].base_offset == offset - offset % 3);
  }
  auto all = ReadAll(*log, 0, 1000);
  REQUIRE(all.size() == 100);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].base_offset == bases[i]);
}

// The bytes of a file range, read back the way sendfile would send them.
Bytes ReadRange(const FileRange& range) {
  Bytes out(range.size);
  REQUIRE(::pread(range.fd, out.data(), out.size(), static_cast<off_t>(range.offset)) ==
          static_cast<ssize_t>(out.size()));
  return out;
}

TEST_CASE("a large read can stay in the segment file: whole batches to a known boundary") {
  TempDir tmp;
  LogConfig config;
  config.index_interval_bytes = 4096;
  auto log = OpenLog(tmp.path(), config);
  const Bytes batch = MakeBatch(10, 100, kNow);  // ~ 1.2 KiB
  for (int i = 0; i < 200; ++i) AppendCopy(*log, batch, kNow);
  const int64_t end = log->log_end_offset();

  SUBCASE("the range holds the same batches a copy would start with, and says where it ends") {
    auto read = log->Read(15, 100 * 1024, ReadAs::kFileRangeIfLarge);
    REQUIRE(read);
    CHECK(read->records.empty());
    REQUIRE(read->file.size != 0);
    CHECK(read->file.size <= 100 * 1024);
    // At most one index interval (and a batch) short of max_bytes.
    CHECK(read->file.size > 100 * 1024 - 4096 - batch.size());
    auto batches = Summarize(ReadRange(read->file));
    REQUIRE(!batches.empty());
    CHECK(batches.front().base_offset == 10);
    CHECK(read->next_offset == batches.back().last_offset + 1);
    auto copied = log->Read(15, 100 * 1024);
    REQUIRE(copied);
    CHECK(read->next_offset <= copied->next_offset);
    const Bytes range_bytes = ReadRange(read->file);
    CHECK(std::equal(range_bytes.begin(), range_bytes.end(), copied->records.data()));
  }
  SUBCASE("a range reaching the log end takes everything up to the high watermark") {
    auto read = log->Read(1000, 10 << 20, ReadAs::kFileRangeIfLarge);
    REQUIRE(read);
    CHECK(read->next_offset == end);
    auto batches = Summarize(ReadRange(read->file));
    CHECK(batches.size() == static_cast<size_t>((end - 1000) / 10));
  }
  SUBCASE("small reads are copied") {
    auto read = log->Read(0, 8 * 1024, ReadAs::kFileRangeIfLarge);
    REQUIRE(read);
    CHECK(read->file.size == 0);
    CHECK(read->records.size() <= 8 * 1024);
    CHECK(read->next_offset == Summarize(read->records).back().last_offset + 1);
    auto last = log->Read(end - 5, 1 << 20, ReadAs::kFileRangeIfLarge);
    REQUIRE(last);
    CHECK(last->file.size == 0);
    CHECK(last->next_offset == end);
  }
  SUBCASE("a first batch above max_bytes comes whole (KIP-74)") {
    const Bytes big = MakeBatch(4, 9000, kNow);
    const int64_t base = AppendCopy(*log, big, kNow);
    AppendCopy(*log, batch, kNow);
    auto read = log->Read(base, 100, ReadAs::kFileRangeIfLarge);
    REQUIRE(read);
    CHECK(read->file.size == big.size());
    CHECK(read->next_offset == base + 4);
  }
  SUBCASE("files without a descriptor (a test's wrapper) are always copied") {
    FaultInjectionFileSystem fs;
    auto wrapped = OpenLog(tmp.path() + "/wrapped", config, &fs);
    for (int i = 0; i < 50; ++i) AppendCopy(*wrapped, batch, kNow);
    auto read = wrapped->Read(0, 1 << 20, ReadAs::kFileRangeIfLarge);
    REQUIRE(read);
    CHECK(read->file.size == 0);
    CHECK(Summarize(read->records).size() == 50);
  }
}

// Pages of [begin, end) of the file at `path` that are in the page cache.
size_t ResidentPages(const std::string& path, uint64_t begin, uint64_t end) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  const size_t length = static_cast<size_t>(end - begin);
  void* map = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(begin));
  ::close(fd);
  REQUIRE(map != MAP_FAILED);
  std::vector<unsigned char> residency((length + page - 1) / page);
  REQUIRE(::mincore(map, length, residency.data()) == 0);
  ::munmap(map, length);
  return static_cast<size_t>(
      std::count_if(residency.begin(), residency.end(), [](unsigned char r) { return r & 1; }));
}

TEST_CASE("syncs drop durable data beyond the page-cache tail window, newest data stays") {
  TempDir tmp;
  LogConfig config;
  config.segment_bytes = 8 << 20;
  LogEnv env;
  env.page_cache_tail_bytes = 3 << 20;
  auto opened = PartitionLog::Open(tmp.path(), "t-0", config, env, kNow);
  REQUIRE(opened);
  auto log = *opened;
  const Bytes batch = MakeBatch(16, 4000, kNow);  // ~ 64 KiB
  for (int i = 0; i < 320; ++i) {                 // ~ 20 MiB over three segments
    AppendCopy(*log, batch, kNow);
    if (i % 8 == 7) REQUIRE(log->Sync().ok());
  }
  REQUIRE(log->Sync().ok());
  auto files = LogFiles(tmp.path());
  REQUIRE(files.size() == 3);
  const std::string oldest = tmp.path() + "/" + files[0];
  const std::string active = tmp.path() + "/" + files[2];
  const uint64_t oldest_size = std::filesystem::file_size(oldest);
  const uint64_t active_size = std::filesystem::file_size(active);
  REQUIRE(active_size > (3 << 20));
  // Sealed and outside the window: gone from the cache, all of it.
  CHECK(ResidentPages(oldest, 0, oldest_size) == 0);
  // The active segment: its newest 3 MiB stay, what came before them went.
  const uint64_t window_start = active_size - (3 << 20);
  CHECK(ResidentPages(active, 0, window_start / 4096 * 4096) == 0);
  CHECK(ResidentPages(active, (window_start + 4095) / 4096 * 4096, active_size) >=
        (3 << 20) / 4096 - 1);
  // Dropped data reads back the same (from disk).
  CHECK(ReadAll(*log, 0).size() == 320);

  SUBCASE("a negative window leaves the cache alone") {
    TempDir other;
    env.page_cache_tail_bytes = -1;
    auto kept = PartitionLog::Open(other.path(), "t-0", config, env, kNow);
    REQUIRE(kept);
    for (int i = 0; i < 80; ++i) AppendCopy(**kept, batch, kNow);
    REQUIRE((*kept)->Sync().ok());
    const std::string path = other.path() + "/" + LogFiles(other.path())[0];
    const uint64_t size = std::filesystem::file_size(path);
    CHECK(ResidentPages(path, 0, size) == (size + 4095) / 4096);
  }
}

TEST_CASE("a batch scan hands over headers, whole batches where asked, from the log start") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  LogConfig config = SmallSegments(1 << 20);
  auto log = OpenLog(tmp.path(), config, &fs);
  // 30 batches of about 100 KB over several segments.
  std::vector<int64_t> bases;
  for (int i = 0; i < 30; ++i) bases.push_back(AppendCopy(*log, MakeBatch(100, 1000, kNow), kNow));
  REQUIRE(log->segment_count() > 2);
  // The log now starts inside batch 3: the scan starts with that batch.
  REQUIRE(log->DeleteRecordsBefore(bases[3] + 50));
  uint64_t log_bytes = 0;
  for (const auto& name : LogFiles(tmp.path())) {
    log_bytes += std::filesystem::file_size(tmp.path() + "/" + name);
  }

  const uint64_t read_before = fs.bytes_read();
  std::vector<int64_t> seen;
  std::vector<bool> whole_seen;
  auto every_seventh = [&](const BatchHeader& h) { return (h.base_offset / 100) % 7 == 0; };
  Status s = log->ScanBatches(every_seventh, [&](ByteSpan bytes, bool whole) {
    auto view = whole ? protocol::RecordBatchView::Parse(bytes)
                      : protocol::RecordBatchView::ParseHeader(bytes);
    REQUIRE(view);
    if (whole) {
      CHECK(protocol::ValidateRecordBatch(bytes).ok());  // Parse checked its length
    } else {
      CHECK(bytes.size() == protocol::batch_header::kSize);
    }
    seen.push_back(view->base_offset());
    whole_seen.push_back(whole);
    return Status::OK();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  const std::vector<int64_t> expected(bases.begin() + 3, bases.end());
  CHECK(seen == expected);
  for (size_t i = 0; i < seen.size(); ++i) CHECK(whole_seen[i] == ((seen[i] / 100) % 7 == 0));
  // Headers cost 16 KiB reads; only the four whole batches are read in full.
  const uint64_t read = fs.bytes_read() - read_before;
  CHECK(read < log_bytes / 3);

  // The visitor's error ends the scan.
  int visits = 0;
  s = log->ScanBatches(
      [](const BatchHeader&) { return false; },
      [&](ByteSpan, bool) { return ++visits == 2 ? Status::Corruption("stop") : Status::OK(); });
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK(visits == 2);
}

TEST_CASE("a batch larger than segment.bytes is refused") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), SmallSegments(1024));
  Bytes big = MakeBatch(1, 2000, kNow);
  auto result = log->Append(big, kNow);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == Status::Code::kInvalidArgument);
  CHECK(log->log_end_offset() == 0);
}

TEST_CASE("segments roll by age (segment.ms)") {
  TempDir tmp;
  LogConfig config;
  config.segment_ms = 1000;
  auto log = OpenLog(tmp.path(), config);
  Bytes batch = MakeBatch(1, 10, kNow);
  AppendCopy(*log, batch, kNow);
  AppendCopy(*log, batch, kNow + 999);
  CHECK(log->segment_count() == 1);
  AppendCopy(*log, batch, kNow + 1000);
  CHECK(log->segment_count() == 2);
  AppendCopy(*log, batch, kNow + 1500);
  CHECK(log->segment_count() == 2);
  AppendCopy(*log, batch, kNow + 2000);
  CHECK(log->segment_count() == 3);
  // The third segment started at +1000 (offset 2), so it is due again at +2000.
  CHECK(LogFiles(tmp.path()).back() == "00000000000000000004.log");
}

TEST_CASE("a restart keeps everything, after a clean close or without one") {
  TempDir tmp;
  bool clean = false;
  SUBCASE("clean") { clean = true; }
  SUBCASE("process crash") { clean = false; }
  Bytes batch = MakeBatch(4, 50, kNow);
  {
    auto log = OpenLog(tmp.path(), SmallSegments(2048));
    for (int i = 0; i < 40; ++i) AppendCopy(*log, batch, kNow);
    if (clean) {
      REQUIRE(log->Close().ok());
    } else {
      REQUIRE(log->Sync().ok());
      for (int i = 0; i < 3; ++i) AppendCopy(*log, batch, kNow);  // never synced
    }
  }
  auto log = OpenLog(tmp.path(), SmallSegments(2048));
  int64_t expected_end = clean ? 160 : 172;
  CHECK(log->log_end_offset() == expected_end);
  CHECK(log->durable_offset() == expected_end);
  CHECK(log->health().ok());
  auto all = ReadAll(*log, 0);
  REQUIRE(all.size() == static_cast<size_t>(expected_end / 4));
  CHECK(all.back().last_offset == expected_end - 1);
  CHECK(AppendCopy(*log, batch, kNow) == expected_end);
  // Sealed segments got their index files once synced.
  REQUIRE(log->Sync().ok());
  CHECK(std::filesystem::exists(tmp.path() + "/00000000000000000000.index"));
  CHECK(std::filesystem::exists(tmp.path() + "/00000000000000000000.timeindex"));
}

TEST_CASE("damaged or missing index files are rebuilt from the log") {
  TempDir tmp;
  Bytes batch = MakeBatch(2, 200, kNow);
  {
    auto log = OpenLog(tmp.path(), SmallSegments(4096));
    for (int i = 0; i < 60; ++i) AppendCopy(*log, batch, kNow);
    REQUIRE(log->Close().ok());
  }
  std::filesystem::remove(tmp.path() + "/00000000000000000000.index");
  {
    std::string second = LogFiles(tmp.path()).at(1);
    second.replace(second.size() - 4, 4, ".timeindex");
    std::fstream f(tmp.path() + "/" + second, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('\x7f');
  }
  auto log = OpenLog(tmp.path(), SmallSegments(4096));
  CHECK(log->health().ok());
  CHECK(log->log_end_offset() == 120);
  CHECK(ReadAll(*log, 0).size() == 60);
  for (int64_t offset = 1; offset < 120; offset += 11) {
    auto read = log->Read(offset, 1);
    REQUIRE(read);
    CHECK(Summarize(read->records).at(0).base_offset == offset - offset % 2);
  }
}

TEST_CASE("a torn tail is truncated on open and appends continue") {
  TempDir tmp;
  Bytes batch = MakeBatch(2, 30, kNow);
  std::string active = tmp.path() + "/00000000000000000000.log";
  std::string torn;
  SUBCASE("half a batch") {
    torn.assign(reinterpret_cast<const char*>(batch.data()), batch.size() / 2);
  }
  SUBCASE("a few bytes of header") { torn = std::string("\0\0\0\0\0", 5); }
  SUBCASE("zeros from an extended file") { torn = std::string(3000, '\0'); }
  SUBCASE("garbage") {
    torn = "this is not a record batch at all, just noise......................";
  }
  SUBCASE("a whole batch with a bad CRC") {
    Bytes bad = batch;
    StoreBigEndian<int64_t>(bad.data(), 10);
    bad.back() ^= 0xff;
    torn.assign(reinterpret_cast<const char*>(bad.data()), bad.size());
  }
  {
    auto log = OpenLog(tmp.path(), LogConfig{});
    for (int i = 0; i < 5; ++i) AppendCopy(*log, batch, kNow);
    REQUIRE(log->Sync().ok());
  }
  uint64_t good_size = std::filesystem::file_size(active);
  AppendRawBytes(active, torn);
  auto log = OpenLog(tmp.path(), LogConfig{});
  CHECK(log->health().ok());
  CHECK(log->log_end_offset() == 10);
  CHECK(std::filesystem::file_size(active) == good_size);
  CHECK(AppendCopy(*log, batch, kNow) == 10);
  CHECK(ReadAll(*log, 0).size() == 6);
}

TEST_CASE("corruption in the middle is reported, kept, and takes the partition offline") {
  TempDir tmp;
  Bytes batch = MakeBatch(2, 30, kNow);
  std::string active = tmp.path() + "/00000000000000000000.log";
  bool synced = false;
  SUBCASE("in data not yet known durable (CRC check)") { synced = false; }
  SUBCASE("in data below the recovery point (framing check)") { synced = true; }
  {
    auto log = OpenLog(tmp.path(), LogConfig{});
    for (int i = 0; i < 10; ++i) AppendCopy(*log, batch, kNow);
    if (synced) REQUIRE(log->Sync().ok());
  }
  uint64_t size = std::filesystem::file_size(active);
  {
    std::fstream f(active, std::ios::in | std::ios::out | std::ios::binary);
    // Batch 4: flip a payload byte (caught by CRC), or break the magic (caught by framing).
    f.seekp(static_cast<std::streamoff>(4 * batch.size() + (synced ? 16 : 70)));
    f.put(synced ? '\x07' : '\x55');
  }
  auto log = OpenLog(tmp.path(), LogConfig{});
  CHECK(log->health().code() == Status::Code::kCorruption);
  CHECK(log->unservable().code() == Status::Code::kCorruption);
  CHECK(log->log_end_offset() == 8);
  auto read = log->Read(0, 1 << 20);
  REQUIRE_FALSE(read);
  CHECK(read.error().code() == Status::Code::kCorruption);
  Bytes copy = batch;
  auto append = log->Append(copy, kNow);
  REQUIRE_FALSE(append);
  CHECK(append.error().code() == Status::Code::kCorruption);
  CHECK(std::filesystem::file_size(active) == size);  // nothing destroyed
  // Retention does not roll past the damage either.
  CHECK(*log->ApplyRetention(kNow + 365LL * 24 * 3600 * 1000) == 0);
  CHECK(std::filesystem::file_size(active) == size);
  REQUIRE(log->Close().ok());
  // Still reported after another restart.
  auto again = OpenLog(tmp.path(), LogConfig{});
  CHECK(again->health().code() == Status::Code::kCorruption);
  CHECK(std::filesystem::file_size(active) == size);
}

TEST_CASE("a read that finds corruption below the recovery point takes the partition offline") {
  TempDir tmp;
  Bytes batch = MakeBatch(2, 30, kNow);
  std::string active = tmp.path() + "/00000000000000000000.log";
  {
    auto log = OpenLog(tmp.path(), LogConfig{});
    for (int i = 0; i < 10; ++i) AppendCopy(*log, batch, kNow);
    REQUIRE(log->Close().ok());  // saves the index: the next open reads no batch
  }
  {
    std::fstream f(active, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(4 * batch.size() + 8));  // batch 4's length
    const char bad_length[4] = {0, 0, 0, 7};
    f.write(bad_length, sizeof bad_length);
  }
  int warnings = 0;
  LogEnv env;
  env.warn = [&](std::string_view) { ++warnings; };
  auto log = PartitionLog::Open(tmp.path(), "t-0", LogConfig{}, env, kNow);
  REQUIRE(log);
  CHECK((*log)->unservable().ok());
  for (int i = 0; i < 3; ++i) {
    auto read = (*log)->Read(8, 1 << 20);
    REQUIRE_FALSE(read);
    CHECK(read.error().code() == Status::Code::kCorruption);
  }
  CHECK((*log)->unservable().code() == Status::Code::kCorruption);
  CHECK(warnings == 1);  // once, not once per read
  // Offline: what precedes the damage is not served either, and appends are refused.
  CHECK_FALSE((*log)->Read(0, 1 << 20));
  Bytes copy = batch;
  CHECK_FALSE((*log)->Append(copy, kNow));
}

TEST_CASE("offsets by timestamp and the max timestamp") {
  TempDir tmp;
  auto log = OpenLog(tmp.path(), SmallSegments(2048));
  // Batch i holds 3 records with timestamps 1000*i, 1000*i+1, 1000*i+2.
  for (int i = 0; i < 30; ++i) AppendCopy(*log, MakeBatch(3, 100, 1000 * i), kNow);
  REQUIRE(log->segment_count() > 2);

  auto exact = log->OffsetForTimestamp(5000);
  REQUIRE(exact);
  REQUIRE(exact->has_value());
  CHECK((*exact)->offset == 15);
  CHECK((*exact)->timestamp == 5000);
  // Inside a batch: the first record at or after the time.
  auto inside = log->OffsetForTimestamp(17001);
  REQUIRE(inside->has_value());
  CHECK((*inside)->offset == 52);
  CHECK((*inside)->timestamp == 17001);
  auto between = log->OffsetForTimestamp(17500);
  CHECK((*between)->offset == 54);
  auto earliest = log->OffsetForTimestamp(-5);
  CHECK((*earliest)->offset == 0);
  auto none = log->OffsetForTimestamp(29003);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  auto max = log->MaxTimestamp();
  REQUIRE(max);
  REQUIRE(max->has_value());
  CHECK((*max)->timestamp == 29002);
  CHECK((*max)->offset == 89);

  TempDir empty_dir;
  auto empty = OpenLog(empty_dir.path(), LogConfig{});
  CHECK_FALSE(empty->MaxTimestamp()->has_value());
  CHECK_FALSE(empty->OffsetForTimestamp(0)->has_value());
}

TEST_CASE("offsets by timestamp look inside compressed batches") {
  // One batch as the Java producer writes it: compressed, timestamps not in offset order (the
  // largest is the 7th record). Kafka decompresses to answer with a record, not the batch.
  for (auto codec : {protocol::Compression::kGzip, protocol::Compression::kZstd}) {
    CAPTURE(static_cast<int>(codec));
    TempDir tmp;
    auto log = OpenLog(tmp.path(), LogConfig{});
    const int seconds[] = {0, 1, 2, 3, 4, 5, 9, 6, 7, 8};
    protocol::RecordBatchBuilder builder;
    for (int s : seconds) builder.Add(kNow + 1000 * s, AsBytes("k"), AsBytes("v"));
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

    auto at = log->OffsetForTimestamp(kNow + 3500);
    REQUIRE(at->has_value());
    CHECK((*at)->offset == 4);
    CHECK((*at)->timestamp == kNow + 4000);
    at = log->OffsetForTimestamp(kNow + 8500);
    CHECK((*at)->offset == 6);
    CHECK((*at)->timestamp == kNow + 9000);
    auto max = log->MaxTimestamp();
    REQUIRE(max->has_value());
    CHECK((*max)->offset == 6);
    CHECK((*max)->timestamp == kNow + 9000);
    REQUIRE(log->DeleteRecordsBefore(7));
    at = log->OffsetForTimestamp(kNow + 3500);  // not below the log start
    CHECK((*at)->offset == 7);
    CHECK((*at)->timestamp == kNow + 6000);
  }
}

TEST_CASE("LogAppendTime stamps the append time and keeps the CRC valid") {
  TempDir tmp;
  LogConfig config;
  config.timestamp_type = protocol::TimestampType::kLogAppendTime;
  auto log = OpenLog(tmp.path(), config);
  Bytes batch = MakeBatch(2, 10, 5);
  auto result = log->Append(batch, kNow + 42);
  REQUIRE(result);
  CHECK(result->log_append_time_ms == kNow + 42);
  auto read = log->Read(0, 1000);
  REQUIRE(read);
  CHECK(protocol::ValidateRecordBatch(read->records).ok());
  auto view = protocol::RecordBatchView::Parse(read->records);
  CHECK(view->timestamp_type() == protocol::TimestampType::kLogAppendTime);
  CHECK(view->max_timestamp() == kNow + 42);
  CHECK((*log->MaxTimestamp())->timestamp == kNow + 42);
}

TEST_CASE("DeleteRecords moves the log start, deletes whole segments, and survives restart") {
  TempDir tmp;
  Bytes batch = MakeBatch(5, 100, kNow);
  {
    auto log = OpenLog(tmp.path(), SmallSegments(2048));
    for (int i = 0; i < 20; ++i) AppendCopy(*log, batch, kNow);
    size_t segments = log->segment_count();
    auto start = log->DeleteRecordsBefore(37);
    REQUIRE(start);
    CHECK(*start == 37);
    CHECK(log->log_start_offset() == 37);
    CHECK(log->segment_count() < segments);
    CHECK(log->Read(36, 100).error().code() == Status::Code::kNotFound);
    auto read = log->Read(37, 100);
    REQUIRE(read);
    CHECK(Summarize(read->records)[0].base_offset == 35);  // the batch holding 37
    // Never backwards; never past the end.
    CHECK(*log->DeleteRecordsBefore(10) == 37);
    CHECK(log->DeleteRecordsBefore(101).error().code() == Status::Code::kInvalidArgument);
    CHECK(LogFiles(tmp.path()).front() != "00000000000000000000.log");
  }
  auto log = OpenLog(tmp.path(), SmallSegments(2048));
  CHECK(log->log_start_offset() == 37);
  CHECK(log->log_end_offset() == 100);
  CHECK(*log->DeleteRecordsBefore(100) == 100);
  CHECK(log->Read(100, 100)->records.empty());
  auto reopened = OpenLog(tmp.path(), SmallSegments(2048));
  CHECK(reopened->log_start_offset() == 100);
}

TEST_CASE("retention by time deletes old segments, including the active one") {
  TempDir tmp;
  LogConfig config = SmallSegments(2048);
  config.retention_ms = 10000;
  auto log = OpenLog(tmp.path(), config);
  for (int i = 0; i < 10; ++i) AppendCopy(*log, MakeBatch(5, 100, kNow), kNow);
  for (int i = 0; i < 10; ++i) AppendCopy(*log, MakeBatch(5, 100, kNow + 50000), kNow);
  size_t before = log->segment_count();
  CHECK(*log->ApplyRetention(kNow + 10000) == 0);  // not older than retention.ms yet
  int deleted = *log->ApplyRetention(kNow + 20000);
  CHECK(deleted > 0);
  CHECK(log->segment_count() == before - static_cast<size_t>(deleted));
  CHECK(log->log_start_offset() > 0);
  CHECK(log->log_start_offset() <= 50);
  auto first = log->Read(log->log_start_offset(), 100);
  REQUIRE(first);
  CHECK(Summarize(first->records).at(0).base_offset == log->log_start_offset());

  // Everything expired: the log is emptied but keeps its end offset.
  CHECK(*log->ApplyRetention(kNow + 100000) > 0);
  CHECK(log->log_start_offset() == 100);
  CHECK(log->log_end_offset() == 100);
  CHECK(log->size_bytes() == 0);
  CHECK(AppendCopy(*log, MakeBatch(1, 1, kNow), kNow) == 100);
  auto reopened = OpenLog(tmp.path(), config);
  CHECK(reopened->log_start_offset() == 100);
  CHECK(reopened->log_end_offset() == 101);
}

TEST_CASE("retention by bytes deletes whole old segments beyond retention.bytes") {
  TempDir tmp;
  LogConfig config = SmallSegments(2048);
  config.retention_bytes = 5000;
  config.retention_ms = -1;
  auto log = OpenLog(tmp.path(), config);
  for (int i = 0; i < 50; ++i) AppendCopy(*log, MakeBatch(2, 150, kNow), kNow);
  uint64_t before = log->size_bytes();
  REQUIRE(before > 10000);
  CHECK(*log->ApplyRetention(kNow) > 0);
  // As in Kafka, a segment goes only if what remains is still at least retention.bytes, so
  // the log keeps between retention.bytes and one segment more.
  CHECK(log->size_bytes() >= 5000);
  CHECK(log->size_bytes() < 5000 + 2048);
  CHECK(log->log_end_offset() == 100);
  CHECK(ReadAll(*log, log->log_start_offset()).back().last_offset == 99);
  CHECK(*log->ApplyRetention(kNow) == 0);
}

}  // namespace
}  // namespace kpk::broker::storage::testing
