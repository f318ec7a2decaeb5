// The transaction coordinator: producer ids and epochs, each transactional id's state
// (Empty -> Ongoing -> PrepareCommit/PrepareAbort -> CompleteCommit/CompleteAbort), the commit
// and abort markers written to every partition of a transaction, staged offsets that a commit
// hands to the group coordinator, and timeouts that abort (and fence) stalled transactions.
//
// State changes are written to <data>/transactions.state (txn_log.h) before they are
// acknowledged. After a crash, a transaction caught in PrepareCommit/PrepareAbort is completed,
// and an Ongoing one is aborted when its timeout runs out, as Kafka does.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/groups/group.h"
#include "broker/net/asio.h"
#include "broker/protocol/generated/error_code.h"
#include "broker/storage/state_log.h"

namespace kpk::broker {
inline namespace core {
class BrokerState;
}
}  // namespace kpk::broker

namespace kpk::broker::transactions {

class ProducerStates;

enum class TxnStatus {
  kEmpty,
  kOngoing,
  kPrepareCommit,
  kPrepareAbort,
  kCompleteCommit,
  kCompleteAbort,
};
const char* TxnStatusName(TxnStatus status);  // Kafka's names, e.g. "Ongoing"

using groups::TopicPartition;

struct StagedOffset {
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
};

struct Transaction {
  std::string id;
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t timeout_ms = 60000;
  TxnStatus status = TxnStatus::kEmpty;
  int64_t start_ms = -1;  // when it became Ongoing
  std::set<TopicPartition> partitions;
  std::set<std::string> groups;
  std::map<std::string, std::map<TopicPartition, StagedOffset>> offsets;  // by group
};

struct ProducerIdAndEpoch {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t epoch = -1;
};

class TransactionCoordinator {
 public:
  // Applies committed transactional offsets to the group coordinator; resumes when durable.
  using OffsetCommitter = std::function<Awaitable<protocol::ErrorCode>(
      const std::string& group, const std::map<TopicPartition, StagedOffset>& offsets)>;

  TransactionCoordinator(BrokerState& state, ProducerStates& producers);
  ~TransactionCoordinator();

  // Loads the state log. Transactions left half-done are finished by Recover().
  Status Open();
  // Writes the markers of transactions caught in a Prepare state by a crash, and starts the
  // timeout timer. Runs on the event loop.
  Awaitable<void> Recover();
  void Stop();
  void SetOffsetCommitter(OffsetCommitter committer) { committer_ = std::move(committer); }

  Awaitable<ProducerIdAndEpoch> InitProducerId(const std::optional<std::string>& txn_id,
                                               int32_t timeout_ms, int64_t producer_id,
                                               int16_t epoch, bool fenced_error);
  Awaitable<std::map<TopicPartition, protocol::ErrorCode>> AddPartitions(
      const std::string& txn_id, int64_t producer_id, int16_t epoch,
      const std::vector<TopicPartition>& partitions, bool fenced_error);
  Awaitable<protocol::ErrorCode> AddOffsets(const std::string& txn_id, int64_t producer_id,
                                            int16_t epoch, const std::string& group,
                                            bool fenced_error);
  // Stages offsets to be committed with the transaction; resumes once they are durable (a
  // commit after a broker restart must still apply them, as Kafka's pending offset records in
  // __consumer_offsets make sure).
  Awaitable<protocol::ErrorCode> StageOffsets(const std::string& txn_id, int64_t producer_id,
                                              int16_t epoch, const std::string& group,
                                              const std::map<TopicPartition, StagedOffset>& offsets,
                                              bool fenced_error);
  Awaitable<protocol::ErrorCode> EndTxn(const std::string& txn_id, int64_t producer_id,
                                        int16_t epoch, bool commit, bool fenced_error);

  const Transaction* Find(const std::string& txn_id) const;
  // The partitions of `group` whose offsets a transaction has staged and not yet completed.
  // OffsetFetch with require_stable (KIP-447) answers UNSTABLE_OFFSET_COMMIT for them, so that a
  // read_committed consumer does not start from the offsets the transaction is replacing.
  std::set<TopicPartition> PendingOffsets(const std::string& group) const;
  std::vector<const Transaction*> All() const;

 private:
  protocol::ErrorCode Validate(const Transaction* txn, int64_t producer_id, int16_t epoch,
                               bool fenced_error) const;
  Awaitable<protocol::ErrorCode> Persist(const Transaction& txn);
  Awaitable<int64_t> AllocateProducerId();
  // Writes markers, applies offsets on commit, and completes; txn must be in a Prepare state.
  Awaitable<protocol::ErrorCode> Complete(Transaction& txn);
  Awaitable<protocol::ErrorCode> Abort(Transaction& txn, bool bump_epoch);
  Awaitable<protocol::ErrorCode> WriteMarkers(const Transaction& txn, bool commit);
  void ScheduleTimeouts();
  Awaitable<void> AbortExpired();
  void MaybeCompact();

  BrokerState& state_;
  ProducerStates& producers_;
  std::unique_ptr<storage::StateLog> log_;
  std::map<std::string, Transaction> txns_;
  int64_t next_producer_id_ = 1000;
  int64_t producer_id_block_end_ = 0;  // ids below this are reserved on disk
  uint64_t snapshot_bytes_ = 0;        // the log's size after its last compaction
  std::unique_ptr<asio::steady_timer> timer_;
  OffsetCommitter committer_;
  bool stopped_ = false;
};

}  // namespace kpk::broker::transactions
