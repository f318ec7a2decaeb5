// Storage append throughput with group commit: N simulated producers append ~16 KiB batches of
// small records to a topic and wait for durability as acks=-1 producers do (each keeps up to
// --inflight requests outstanding). Reports acknowledged MB/s, batches/s, fdatasyncs/s and
// acknowledgement latency.
//
//   kpk_storage_bench [--producers 8] [--partitions 8] [--seconds 5] [--record-bytes 100]
//                     [--batch-bytes 16384] [--inflight 5] [--dir /tmp] [--developer-mode]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/protocol/record_batch.h"
#include "broker/storage/log_manager.h"

namespace kpk::broker::storage {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int producers = 8;
  int partitions = 8;
  double seconds = 5;
  size_t record_bytes = 100;
  size_t batch_bytes = 16384;
  int inflight = 5;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool developer_mode = false;
};

// Counts fdatasyncs on the way to the real file system.
class CountingFileSystem final : public FileSystem {
 public:
  class CountingFile final : public File {
   public:
    CountingFile(std::unique_ptr<File> base, std::atomic<uint64_t>* syncs)
        : File(base->path()), base_(std::move(base)), syncs_(syncs) {}
    Status WriteAt(uint64_t offset, ByteSpan data) override { return base_->WriteAt(offset, data); }
    Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
      return base_->ReadAt(offset, out);
    }
    Status Truncate(uint64_t size) override { return base_->Truncate(size); }
    Status Sync() override {
      syncs_->fetch_add(1, std::memory_order_relaxed);
      return base_->Sync();
    }
    Result<uint64_t> Size() const override { return base_->Size(); }

   private:
    std::unique_ptr<File> base_;
    std::atomic<uint64_t>* syncs_;
  };

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    auto file = base_->Open(path, mode);
    if (!file) return Err(file.error());
    return std::unique_ptr<File>(new CountingFile(std::move(*file), &syncs));
  }
  Status CreateDir(const std::string& p) override { return base_->CreateDir(p); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override {
    return base_->ListDir(p);
  }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status RemoveAll(const std::string& p) override { return base_->RemoveAll(p); }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  bool Exists(const std::string& p) override { return base_->Exists(p); }

  std::atomic<uint64_t> syncs{0};

 private:
  FileSystem* base_ = DefaultFileSystem();
};

Bytes TemplateBatch(const Options& o) {
  protocol::RecordBatchBuilder builder;
  std::string value(o.record_bytes, 'v');
  std::string key = "key-00000";
  size_t per_record = o.record_bytes + key.size() + 8;
  size_t count = std::max<size_t>(1, (o.batch_bytes - protocol::batch_header::kSize) / per_record);
  for (size_t i = 0; i < count; ++i) builder.Add(1700000000000 + i, AsBytes(key), AsBytes(value));
  return builder.Build();
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ProducerResult {
  uint64_t batches = 0;
  uint64_t errors = 0;
  std::vector<double> latencies_us;
};

void RunProducer(LogManager& storage, const Options& o, int id, const Bytes& batch,
                 Clock::time_point deadline, ProducerResult* out) {
  auto log = storage.GetLog("bench", id % o.partitions);
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  out->latencies_us.reserve(1 << 16);
  while (Clock::now() < deadline) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return outstanding < o.inflight; });
      ++outstanding;
    }
    Bytes copy = batch;  // the broker appends from its request buffer; this stands in for it
    auto start = Clock::now();
    auto appended = log->Append(copy, NowMs());
    if (!appended) {
      std::lock_guard lock(mu);
      --outstanding;
      ++out->errors;
      continue;
    }
    storage.flusher().RequestDurable(log, appended->last_offset + 1, [&, start](const Status& s) {
      double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      std::lock_guard lock(mu);
      --outstanding;
      if (s.ok()) {
        ++out->batches;
        out->latencies_us.push_back(us);
      } else {
        ++out->errors;
      }
      cv.notify_one();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return outstanding == 0; });
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--developer-mode") {
      o->developer_mode = true;
    } else if ((v = next()) == nullptr) {
      return false;
    } else if (a == "--producers") {
      o->producers = std::atoi(v);
    } else if (a == "--partitions") {
      o->partitions = std::atoi(v);
    } else if (a == "--seconds") {
      o->seconds = std::atof(v);
    } else if (a == "--record-bytes") {
      o->record_bytes = static_cast<size_t>(std::atol(v));
    } else if (a == "--batch-bytes") {
      o->batch_bytes = static_cast<size_t>(std::atol(v));
    } else if (a == "--inflight") {
      o->inflight = std::atoi(v);
    } else if (a == "--dir") {
      o->dir = v;
    } else {
      return false;
    }
  }
  return o->producers > 0 && o->partitions > 0 && o->inflight > 0 && o->seconds > 0;
}

int Main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    std::fprintf(stderr, "usage: see the comment at the top of storage_append_bench.cc\n");
    return 2;
  }
  std::string dir = o.dir + "/kpk-storage-bench-" + std::to_string(::getpid());
  CountingFileSystem fs;
  StorageOptions options;
  options.data_dir = dir;
  options.fs = &fs;
  options.developer_mode = o.developer_mode;
  auto storage = LogManager::Open(options);
  if (!storage) {
    std::fprintf(stderr, "unable to open storage: %s\n", storage.error().ToString().c_str());
    return 1;
  }
  auto topic = (*storage)->CreateTopic("bench", o.partitions, {});
  if (!topic) {
    std::fprintf(stderr, "unable to create topic: %s\n", topic.error().ToString().c_str());
    return 1;
  }
  Bytes batch = TemplateBatch(o);
  int32_t records = protocol::RecordBatchView::Parse(batch)->record_count();

  uint64_t syncs_before = fs.syncs.load();
  auto start = Clock::now();
  auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<ProducerResult> results(static_cast<size_t>(o.producers));
  std::vector<std::thread> threads;
  for (int p = 0; p < o.producers; ++p) {
    threads.emplace_back(RunProducer, std::ref(**storage), std::cref(o), p, std::cref(batch),
                         deadline, &results[static_cast<size_t>(p)]);
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t syncs = fs.syncs.load() - syncs_before;
  Flusher::Stats stats = (*storage)->flusher().stats();

  uint64_t batches = 0, errors = 0;
  std::vector<double> latencies;
  for (const auto& r : results) {
    batches += r.batches;
    errors += r.errors;
    latencies.insert(latencies.end(), r.latencies_us.begin(), r.latencies_us.end());
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[static_cast<size_t>(q * (latencies.size() - 1))];
  };
  double mb = static_cast<double>(batches * batch.size()) / (1 << 20);
  std::printf(
      "producers=%d partitions=%d inflight=%d record_bytes=%zu batch=%zu bytes (%d records) "
      "%s\n",
      o.producers, o.partitions, o.inflight, o.record_bytes, batch.size(), records,
      o.developer_mode ? "developer-mode (no fsync)" : "fdatasync");
  std::printf("acked %.1f MB/s, %.0f batches/s, %.0f records/s, errors %llu\n", mb / elapsed,
              static_cast<double>(batches) / elapsed,
              static_cast<double>(batches) * records / elapsed,
              static_cast<unsigned long long>(errors));
  std::printf("fdatasync %.0f/s (%.1f batches each), flusher rounds %.0f/s\n",
              static_cast<double>(syncs) / elapsed,
              syncs ? static_cast<double>(batches) / static_cast<double>(syncs) : 0.0,
              static_cast<double>(stats.rounds) / elapsed);
  std::printf("ack latency us: p50 %.0f p99 %.0f max %.0f\n", pct(0.5), pct(0.99), pct(1.0));

  (void)(*storage)->Close();
  storage->reset();
  // How long the next start takes after a clean shutdown (saved indexes, no scan).
  auto reopen_start = Clock::now();
  auto reopened = LogManager::Open(options);
  double reopen_ms = std::chrono::duration<double, std::milli>(Clock::now() - reopen_start).count();
  if (reopened) {
    std::printf("clean reopen of %d partitions holding %.0f MB: %.1f ms\n", o.partitions, mb,
                reopen_ms);
    (void)(*reopened)->Close();
    reopened->reset();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace kpk::broker::storage

int main(int argc, char** argv) { return kpk::broker::storage::Main(argc, argv); }
