#include "broker/storage/log_manager.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "broker/storage/log_format.h"
#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

constexpr int64_t kNow = 1700000000000;

std::unique_ptr<LogManager> OpenManager(const std::string& dir, FileSystem* fs = nullptr,
                                        std::vector<std::string>* warnings = nullptr) {
  StorageOptions options;
  options.data_dir = dir;
  options.fs = fs;
  options.warn = [warnings](std::string_view line) {
    MESSAGE(std::string(line));
    if (warnings) warnings->emplace_back(line);
  };
  auto manager = LogManager::Open(std::move(options));
  REQUIRE_MESSAGE(manager, manager.error().ToString());
  return std::move(*manager);
}

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_CASE("topic names follow Kafka's rules") {
  CHECK(ValidateTopicName("orders").ok());
  CHECK(ValidateTopicName("a.b_c-D9").ok());
  CHECK(ValidateTopicName(std::string(249, 'x')).ok());
  CHECK_FALSE(ValidateTopicName(std::string(250, 'x')).ok());
  CHECK_FALSE(ValidateTopicName("").ok());
  CHECK_FALSE(ValidateTopicName(".").ok());
  CHECK_FALSE(ValidateTopicName("..").ok());
  CHECK(ValidateTopicName("...").ok());
  for (const char* bad : {"a b", "a/b", "ä", "a:b", "a\\b", "a\nb", "a*"}) {
    CAPTURE(bad);
    CHECK(ValidateTopicName(bad).code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("topic ids are random version-4 UUIDs and round-trip as text") {
  protocol::Uuid a = NewTopicId();
  protocol::Uuid b = NewTopicId();
  CHECK_FALSE(a == b);
  CHECK_FALSE(a.IsZero());
  CHECK((a.bytes[6] >> 4) == 4);
  CHECK(a.ToString().front() != '-');
  std::string text = UuidToCanonical(a);
  CHECK(text.size() == 36);
  auto back = UuidFromCanonical(text);
  REQUIRE(back);
  CHECK(*back == a);
  CHECK_FALSE(UuidFromCanonical("not-a-uuid"));
  CHECK_FALSE(UuidFromCanonical(text.substr(1)));
}

TEST_CASE("topics are created, listed, described and survive a restart") {
  TempDir tmp;
  protocol::Uuid id;
  {
    auto manager = OpenManager(tmp.path());
    auto created = manager->CreateTopic("orders", 3, {{"retention.ms", "60000"}, {"x.y", "z"}});
    REQUIRE(created);
    id = created->id;
    CHECK(created->partitions == 3);
    REQUIRE(manager->CreateTopic("audit", 1, {}));
    CHECK(manager->CreateTopic("orders", 1, {}).error().code() == Status::Code::kAlreadyExists);
    auto topics = manager->ListTopics();
    REQUIRE(topics.size() == 2);
    CHECK(topics[0].name == "audit");
    CHECK(topics[1].name == "orders");
    CHECK(topics[1].configs.at("x.y") == "z");
    CHECK(manager->TopicConfig("orders")->retention_ms == 60000);
    CHECK(*manager->TopicNameForId(id) == "orders");
    CHECK(manager->GetLog("orders", 2) != nullptr);
    CHECK(manager->GetLog("orders", 3) == nullptr);
    CHECK(manager->GetLog("nope", 0) == nullptr);
    auto log = manager->GetLog("orders", 1);
    AppendCopy(*log, MakeBatch(5, 10, kNow), kNow);
    CHECK(std::filesystem::exists(tmp.path() + "/topics/orders/1/00000000000000000000.log"));
  }
  auto manager = OpenManager(tmp.path());
  auto orders = manager->DescribeTopic("orders");
  REQUIRE(orders);
  CHECK(orders->id == id);
  CHECK(orders->partitions == 3);
  CHECK(orders->configs.at("retention.ms") == "60000");
  CHECK(manager->TopicConfig("orders")->retention_ms == 60000);
  CHECK(manager->GetLog("orders", 1)->log_end_offset() == 5);
  CHECK(manager->GetLog("orders", 0)->log_end_offset() == 0);
  CHECK(manager->ListTopics().size() == 2);
}

TEST_CASE("bad topic requests are refused without leaving files") {
  TempDir tmp;
  auto manager = OpenManager(tmp.path());
  CHECK(manager->CreateTopic("bad name", 1, {}).error().code() == Status::Code::kInvalidArgument);
  CHECK(manager->CreateTopic("t", 0, {}).error().code() == Status::Code::kInvalidArgument);
  CHECK(manager->CreateTopic("t", kMaxPartitions + 1, {}).error().code() ==
        Status::Code::kInvalidArgument);
  CHECK(manager->CreateTopic("t", 1, {{"retention.ms", "soon"}}).error().code() ==
        Status::Code::kInvalidArgument);
  CHECK(manager->CreateTopic("t", 1, {{"segment.bytes", "1"}}).error().code() ==
        Status::Code::kInvalidArgument);
  CHECK(manager->CreateTopic("t", 1, {{"message.timestamp.type", "Now"}}).error().code() ==
        Status::Code::kInvalidArgument);
  CHECK(CountEntries(tmp.path() + "/topics") == 0);
  CHECK(CountEntries(tmp.path() + "/tmp") == 0);
}

TEST_CASE("deleting a topic removes its files and fences its logs") {
  TempDir tmp;
  auto manager = OpenManager(tmp.path());
  auto first = manager->CreateTopic("t", 2, {});
  REQUIRE(first);
  auto log = manager->GetLog("t", 0);
  AppendCopy(*log, MakeBatch(3, 10, kNow), kNow);
  REQUIRE(manager->DeleteTopic("t").ok());
  CHECK_FALSE(std::filesystem::exists(tmp.path() + "/topics/t"));
  CHECK(CountEntries(tmp.path() + "/trash") == 0);
  CHECK(manager->GetLog("t", 0) == nullptr);
  CHECK(manager->DeleteTopic("t").code() == Status::Code::kNotFound);
  Bytes batch = MakeBatch(1, 1, kNow);
  auto append = log->Append(batch, kNow);
  REQUIRE_FALSE(append);
  CHECK(append.error().code() == Status::Code::kNotFound);
  // Re-created, it starts empty under a new id.
  auto second = manager->CreateTopic("t", 1, {});
  REQUIRE(second);
  CHECK_FALSE(second->id == first->id);
  CHECK(manager->GetLog("t", 0)->log_end_offset() == 0);
}

TEST_CASE("partitions can be added and the count persists") {
  TempDir tmp;
  {
    auto manager = OpenManager(tmp.path());
    REQUIRE(manager->CreateTopic("t", 1, {}));
    AppendCopy(*manager->GetLog("t", 0), MakeBatch(2, 10, kNow), kNow);
    CHECK(manager->CreatePartitions("t", 1).code() == Status::Code::kInvalidArgument);
    CHECK(manager->CreatePartitions("nope", 4).code() == Status::Code::kNotFound);
    REQUIRE(manager->CreatePartitions("t", 4).ok());
    CHECK(manager->DescribeTopic("t")->partitions == 4);
    REQUIRE(manager->GetLog("t", 3) != nullptr);
    AppendCopy(*manager->GetLog("t", 3), MakeBatch(1, 10, kNow), kNow);
  }
  auto manager = OpenManager(tmp.path());
  CHECK(manager->DescribeTopic("t")->partitions == 4);
  CHECK(manager->GetLog("t", 0)->log_end_offset() == 2);
  CHECK(manager->GetLog("t", 3)->log_end_offset() == 1);
}

TEST_CASE("config changes are persisted and applied to the logs") {
  TempDir tmp;
  {
    auto manager = OpenManager(tmp.path());
    REQUIRE(manager->CreateTopic("t", 1, {{"retention.ms", "1000"}}));
    CHECK(manager->SetTopicConfigs("t", {{"retention.ms", "oops"}}).code() ==
          Status::Code::kInvalidArgument);
    CHECK(manager->TopicConfig("t")->retention_ms == 1000);
    REQUIRE(manager->SetTopicConfigs("t", {{"segment.bytes", "2048"}}).ok());
    CHECK(manager->GetLog("t", 0)->config().segment_bytes == 2048);
    // Replaced, not merged: retention.ms is back to the default.
    CHECK(manager->TopicConfig("t")->retention_ms == LogConfig{}.retention_ms);
  }
  auto manager = OpenManager(tmp.path());
  auto topic = manager->DescribeTopic("t");
  CHECK(topic->configs.size() == 1);
  CHECK(topic->configs.at("segment.bytes") == "2048");
  CHECK(manager->GetLog("t", 0)->config().segment_bytes == 2048);
}

TEST_CASE("metadata writes are atomic across a crash before the rename") {
  TempDir tmp;
  SUBCASE("altering configs") {
    {
      auto manager = OpenManager(tmp.path());
      REQUIRE(manager->CreateTopic("t", 2, {{"retention.ms", "1000"}}));
    }
    {
      FaultInjectionFileSystem fs;
      auto manager = OpenManager(tmp.path(), &fs);
      fs.CrashBeforeRenameOf("topic.json");
      CHECK_FALSE(manager->SetTopicConfigs("t", {{"retention.ms", "2000"}}).ok());
      CHECK(std::filesystem::exists(tmp.path() + "/topics/t/topic.json.tmp"));
    }
    auto manager = OpenManager(tmp.path());
    auto topic = manager->DescribeTopic("t");
    REQUIRE(topic);
    CHECK(topic->configs.at("retention.ms") == "1000");
    CHECK(topic->partitions == 2);
  }
  SUBCASE("creating a topic") {
    {
      FaultInjectionFileSystem fs;
      auto manager = OpenManager(tmp.path(), &fs);
      fs.CrashBeforeRenameOf("topics/new");
      CHECK_FALSE(manager->CreateTopic("new", 3, {}));
    }
    CHECK(CountEntries(tmp.path() + "/tmp") == 1);  // the half-built topic
    auto manager = OpenManager(tmp.path());
    CHECK_FALSE(manager->DescribeTopic("new"));
    CHECK(CountEntries(tmp.path() + "/tmp") == 0);
    REQUIRE(manager->CreateTopic("new", 3, {}));
  }
  SUBCASE("adding partitions") {
    {
      auto manager = OpenManager(tmp.path());
      REQUIRE(manager->CreateTopic("t", 1, {}));
    }
    {
      FaultInjectionFileSystem fs;
      auto manager = OpenManager(tmp.path(), &fs);
      fs.CrashBeforeRenameOf("topic.json");
      CHECK_FALSE(manager->CreatePartitions("t", 3).ok());
    }
    auto manager = OpenManager(tmp.path());
    CHECK(manager->DescribeTopic("t")->partitions == 1);
    CHECK_FALSE(std::filesystem::exists(tmp.path() + "/topics/t/1"));
    REQUIRE(manager->CreatePartitions("t", 3).ok());
  }
  SUBCASE("deleting a topic") {
    {
      auto manager = OpenManager(tmp.path());
      REQUIRE(manager->CreateTopic("t", 1, {}));
      AppendCopy(*manager->GetLog("t", 0), MakeBatch(1, 1, kNow), kNow);
    }
    {
      FaultInjectionFileSystem fs;
      auto manager = OpenManager(tmp.path(), &fs);
      fs.CrashBeforeRenameOf("trash");
      CHECK_FALSE(manager->DeleteTopic("t").ok());
    }
    auto manager = OpenManager(tmp.path());
    REQUIRE(manager->DescribeTopic("t"));
    CHECK(manager->GetLog("t", 0)->log_end_offset() == 1);
  }
}

TEST_CASE("a topic with unreadable metadata is skipped and its files are kept") {
  TempDir tmp;
  {
    auto manager = OpenManager(tmp.path());
    REQUIRE(manager->CreateTopic("good", 1, {}));
    REQUIRE(manager->CreateTopic("broken", 1, {}));
  }
  {
    std::ofstream out(tmp.path() + "/topics/broken/topic.json", std::ios::trunc);
    out << "{ not json";
  }
  std::vector<std::string> warnings;
  auto manager = OpenManager(tmp.path(), nullptr, &warnings);
  CHECK(manager->DescribeTopic("good"));
  CHECK_FALSE(manager->DescribeTopic("broken"));
  CHECK(std::filesystem::exists(tmp.path() + "/topics/broken/0"));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("broken") != std::string::npos);
}

TEST_CASE("a partition that cannot be opened is offline and the rest is served") {
  TempDir tmp;
  {
    auto manager = OpenManager(tmp.path());
    REQUIRE(manager->CreateTopic("t", 2, {}));
  }
  const std::string p1 = tmp.path() + "/topics/t/1";
  std::filesystem::remove_all(p1);
  { std::ofstream(p1) << "a file where the partition's directory was"; }
  std::vector<std::string> warnings;
  auto manager = OpenManager(tmp.path(), nullptr, &warnings);
  CHECK(manager->DescribeTopic("t")->partitions == 2);
  CHECK(manager->GetLog("t", 0) != nullptr);
  CHECK(manager->GetLog("t", 1) == nullptr);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("cannot open partition t-1") != std::string::npos);
  // Broker-wide work skips it; deleting the topic removes it.
  manager->ApplyRetention(kNow);
  CHECK(manager->Flush().ok());
  CHECK(manager->DeleteTopic("t").ok());
  CHECK_FALSE(std::filesystem::exists(tmp.path() + "/topics/t"));
}

TEST_CASE("a data directory of an unknown format is refused") {
  TempDir tmp;
  {
    std::ofstream out(tmp.path() + "/FORMAT");
    out << "kpk-storage 99\n";
  }
  StorageOptions options;
  options.data_dir = tmp.path();
  auto manager = LogManager::Open(options);
  REQUIRE_FALSE(manager);
  CHECK(manager.error().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("the manager runs retention and flushes every partition") {
  TempDir tmp;
  FaultInjectionFileSystem fs;
  auto manager = OpenManager(tmp.path(), &fs);
  REQUIRE(manager->CreateTopic(
      "t", 2, {{"segment.bytes", "1024"}, {"retention.bytes", "0"}, {"retention.ms", "-1"}}));
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < 10; ++i)
      AppendCopy(*manager->GetLog("t", p), MakeBatch(2, 100, kNow), kNow);
  }
  uint64_t syncs = fs.file_syncs();
  REQUIRE(manager->Flush().ok());
  CHECK(fs.file_syncs() > syncs);
  CHECK(manager->GetLog("t", 0)->durable_offset() == 20);
  manager->ApplyRetention(kNow);
  for (int p = 0; p < 2; ++p) {
    auto log = manager->GetLog("t", p);
    CHECK(log->log_start_offset() == 20);
    CHECK(log->size_bytes() == 0);
  }
  REQUIRE(manager->Close().ok());
  CHECK(manager->CreateTopic("late", 1, {}).error().code() == Status::Code::kUnavailable);
}

}  // namespace
}  // namespace kpk::broker::storage::testing
