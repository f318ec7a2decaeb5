// The transaction coordinator's durable state: <data>/transactions.state, a StateLog
// (broker/storage/state_log.h: header "KPKTXN" | version u16 1, then framed records) whose
// record bodies are JSON objects, one per state change:
//
//   {"type":"pids","end":N}   producer ids below N may have been handed out (a reserved block)
//   {"type":"txn","id":...}   one transactional id's whole state (shape in txn_log.cc)
//
// Replay applies them in order: a txn record replaces that id's state, and the largest "end"
// wins. Records of other types (from a newer kpk) are skipped.
//
// Releases before this file kept the same records as text lines in <data>/transactions.log
// (legacy_txn_log.h). Opening a data dir that has only that file migrates it: its live state is
// written to transactions.state atomically, then transactions.log is removed. A crash between
// the two leaves both; transactions.state, complete by then, wins and the old file is removed.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "broker/storage/state_log.h"
#include "broker/transactions/txn_coordinator.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::transactions {

inline constexpr std::string_view kTxnLogMagic = "KPKTXN";
inline constexpr uint16_t kTxnLogVersion = 1;

// What replaying the log gives: the coordinator's durable state.
struct TxnLogState {
  std::map<std::string, Transaction> txns;
  int64_t producer_id_block_end = 0;  // ids below this may have been handed out
};

struct TxnLogOptions {
  FileSystem* fs = nullptr;  // null: the real file system
  std::string data_dir;
  bool sync = true;  // false: never fsync (developer mode)
  std::function<void(std::string_view)> warn;
};

// Opens (migrating first, see above) <data_dir>/transactions.state and replays it into `state`.
Result<std::unique_ptr<storage::StateLog>> OpenTxnLog(const TxnLogOptions& options,
                                                      TxnLogState* state);

// Framed records, for StateLog::Append.
Bytes EncodeTxnRecord(const Transaction& txn);
Bytes EncodeProducerIdBlockRecord(int64_t block_end);
// Everything live, for StateLog::Rewrite: one pids record, then one record per transaction.
Bytes EncodeTxnSnapshot(const std::map<std::string, Transaction>& txns,
                        int64_t producer_id_block_end);

}  // namespace kpk::broker::transactions
