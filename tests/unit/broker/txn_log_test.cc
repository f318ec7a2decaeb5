// transactions.state: what the coordinator persists survives a reopen, and a data dir written by
// a release that kept transactions.log (text lines) is migrated without losing any transaction
// state or producer-id block.
#include "broker/transactions/txn_log.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "../storage/fault_injection_fs.h"

namespace kpk::broker::transactions {
namespace {

namespace fs = std::filesystem;
using storage::testing::TempDir;

// transactions.log exactly as RecordLog::FrameRecord wrote it: "<crc32c, 8 hex digits> <json>\n"
// (nlohmann::json dumps keys sorted). t-commit goes Empty -> Ongoing -> CompleteCommit,
// t-prepare is caught in PrepareCommit with staged offsets, and the last line is torn.
constexpr std::string_view kLegacyLog =
    "ffca9634 {\"end\":2000,\"type\":\"pids\"}\n"
    "23c2ad6c {\"epoch\":0,\"groups\":[],\"id\":\"t-commit\",\"offsets\":{},\"partitions\":[],"
    "\"pid\":1000,\"start\":-1,\"status\":0,\"timeout\":60000,\"type\":\"txn\"}\n"
    "c2726e4d {\"epoch\":0,\"groups\":[],\"id\":\"t-commit\",\"offsets\":{},\"partitions\":"
    "[[\"orders\",0]],\"pid\":1000,\"start\":1700000000000,\"status\":1,\"timeout\":60000,"
    "\"type\":\"txn\"}\n"
    "a68cdd54 {\"epoch\":3,\"groups\":[\"g1\"],\"id\":\"t-prepare\",\"offsets\":{\"g1\":"
    "[[\"orders\",0,42,5,\"meta\"],[\"orders\",1,7,-1,null]]},\"partitions\":[[\"orders\",0],"
    "[\"orders\",1]],\"pid\":1001,\"start\":1700000001000,\"status\":2,\"timeout\":30000,"
    "\"type\":\"txn\"}\n"
    "4df62a05 {\"epoch\":0,\"groups\":[],\"id\":\"t-commit\",\"offsets\":{},\"partitions\":[],"
    "\"pid\":1000,\"start\":1700000000000,\"status\":4,\"timeout\":60000,\"type\":\"txn\"}\n"
    "46f1dad3 {\"end\":3000,\"type\":\"pids\"}\n"
    "63d55c91 {\"epoch\":1,\"groups\":[],\"id\":\"t-abort\",\"offsets\":{},\"partitions\":[],"
    "\"pid\":2500,\"start\":1700000002000,\"status\":5,\"timeout\":60000,\"type\":\"txn\"}\n"
    "0badc0de {\"end\":9000,\"ty";

void WriteFile(const std::string& path, std::string_view contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

TxnLogOptions Options(const std::string& dir) {
  TxnLogOptions options;
  options.data_dir = dir;
  options.warn = [](std::string_view line) { MESSAGE(std::string(line)); };
  return options;
}

TxnLogState Open(const std::string& dir, std::unique_ptr<storage::StateLog>* log = nullptr) {
  TxnLogState state;
  auto opened = OpenTxnLog(Options(dir), &state);
  REQUIRE_MESSAGE(opened, opened.error().ToString());
  if (log) *log = std::move(*opened);
  return state;
}

// Every field the fixture holds, as the coordinator needs it after the restart.
void CheckFixtureState(const TxnLogState& state) {
  CHECK(state.producer_id_block_end == 3000);
  REQUIRE(state.txns.size() == 3);
  const Transaction& commit = state.txns.at("t-commit");
  CHECK(commit.producer_id == 1000);
  CHECK(commit.status == TxnStatus::kCompleteCommit);
  CHECK(commit.start_ms == 1700000000000);
  CHECK(commit.partitions.empty());
  const Transaction& prepare = state.txns.at("t-prepare");
  CHECK(prepare.producer_id == 1001);
  CHECK(prepare.epoch == 3);
  CHECK(prepare.timeout_ms == 30000);
  CHECK(prepare.status == TxnStatus::kPrepareCommit);
  CHECK(prepare.partitions == std::set<TopicPartition>{{"orders", 0}, {"orders", 1}});
  CHECK(prepare.groups == std::set<std::string>{"g1"});
  const auto& staged = prepare.offsets.at("g1");
  REQUIRE(staged.size() == 2);
  CHECK(staged.at({"orders", 0}).offset == 42);
  CHECK(staged.at({"orders", 0}).leader_epoch == 5);
  CHECK(staged.at({"orders", 0}).metadata == std::optional<std::string>("meta"));
  CHECK(staged.at({"orders", 1}).offset == 7);
  CHECK_FALSE(staged.at({"orders", 1}).metadata.has_value());
  const Transaction& abort = state.txns.at("t-abort");
  CHECK(abort.producer_id == 2500);
  CHECK(abort.epoch == 1);
  CHECK(abort.status == TxnStatus::kCompleteAbort);
}

TEST_CASE("a legacy transactions.log is migrated to transactions.state") {
  TempDir dir;
  WriteFile(dir.path() + "/transactions.log", kLegacyLog);
  CheckFixtureState(Open(dir.path()));
  CHECK_FALSE(fs::exists(dir.path() + "/transactions.log"));
  CHECK(fs::exists(dir.path() + "/transactions.state"));
  // And again, from the new file alone.
  CheckFixtureState(Open(dir.path()));
}

TEST_CASE("a migration interrupted before the old file was removed finishes") {
  TempDir dir;
  WriteFile(dir.path() + "/transactions.log", kLegacyLog);
  CheckFixtureState(Open(dir.path()));
  WriteFile(dir.path() + "/transactions.log", "garbage that must not be read\n");
  CheckFixtureState(Open(dir.path()));
  CHECK_FALSE(fs::exists(dir.path() + "/transactions.log"));
}

TEST_CASE("a legacy log damaged in the middle is refused and kept") {
  TempDir dir;
  std::string damaged(kLegacyLog);
  damaged[12] = 'X';  // inside the first record
  WriteFile(dir.path() + "/transactions.log", damaged);
  TxnLogState state;
  auto log = OpenTxnLog(Options(dir.path()), &state);
  REQUIRE_FALSE(log);
  CHECK(log.error().code() == Status::Code::kCorruption);
  CHECK(fs::exists(dir.path() + "/transactions.log"));
  CHECK_FALSE(fs::exists(dir.path() + "/transactions.state"));
}

TEST_CASE("transaction records and producer-id blocks survive appends, a rewrite and a reopen") {
  TempDir dir;
  Transaction txn;
  txn.id = "t";
  txn.producer_id = 7;
  txn.epoch = 2;
  txn.status = TxnStatus::kOngoing;
  txn.partitions = {{"p", 3}};
  auto wait = [](auto start) {
    std::promise<Status> done;
    start([&done](const Status& s) { done.set_value(s); });
    return done.get_future().get();
  };
  {
    std::unique_ptr<storage::StateLog> log;
    CHECK(Open(dir.path(), &log).txns.empty());
    CHECK(wait([&](auto done) { log->Append(EncodeProducerIdBlockRecord(1000), done); }).ok());
    CHECK(wait([&](auto done) { log->Append(EncodeTxnRecord(txn), done); }).ok());
    std::map<std::string, Transaction> txns{{"t", txn}};
    CHECK(wait([&](auto done) { log->Rewrite(EncodeTxnSnapshot(txns, 2000), done); }).ok());
    txn.status = TxnStatus::kPrepareAbort;
    CHECK(wait([&](auto done) { log->Append(EncodeTxnRecord(txn), done); }).ok());
  }
  TxnLogState state = Open(dir.path());
  CHECK(state.producer_id_block_end == 2000);
  REQUIRE(state.txns.size() == 1);
  CHECK(state.txns.at("t").status == TxnStatus::kPrepareAbort);
  CHECK(state.txns.at("t").partitions == std::set<TopicPartition>{{"p", 3}});
}

}  // namespace
}  // namespace kpk::broker::transactions
