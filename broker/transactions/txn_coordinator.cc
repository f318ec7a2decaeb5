#include "broker/transactions/txn_coordinator.h"

#include <climits>

#include "broker/core/broker_state.h"
#include "broker/core/durability.h"
#include "broker/core/partition_waiters.h"
#include "broker/protocol/record_batch.h"
#include "broker/transactions/producer_states.h"
#include "broker/transactions/txn_log.h"
#include "common/log.h"

namespace kpk::broker::transactions {

using protocol::ErrorCode;

namespace {

constexpr int64_t kProducerIdBlock = 1000;
// The log is compacted once it is at least this big and twice its last compacted size.
constexpr uint64_t kCompactMinBytes = 256 * 1024;
constexpr auto kTimeoutCheckInterval = std::chrono::milliseconds(500);

bool IsPrepare(TxnStatus s) {
  return s == TxnStatus::kPrepareCommit || s == TxnStatus::kPrepareAbort;
}

ErrorCode Fenced(bool fenced_error) {
  return fenced_error ? ErrorCode::kProducerFenced : ErrorCode::kInvalidProducerEpoch;
}

}  // namespace

const char* TxnStatusName(TxnStatus status) {
  switch (status) {
    case TxnStatus::kEmpty:
      return "Empty";
    case TxnStatus::kOngoing:
      return "Ongoing";
    case TxnStatus::kPrepareCommit:
      return "PrepareCommit";
    case TxnStatus::kPrepareAbort:
      return "PrepareAbort";
    case TxnStatus::kCompleteCommit:
      return "CompleteCommit";
    case TxnStatus::kCompleteAbort:
      return "CompleteAbort";
  }
  return "Unknown";
}

TransactionCoordinator::TransactionCoordinator(BrokerState& state, ProducerStates& producers)
    : state_(state), producers_(producers) {}

TransactionCoordinator::~TransactionCoordinator() = default;

Status TransactionCoordinator::Open() {
  TxnLogOptions options;
  options.data_dir = state_.config().data_directory;
  options.sync = !state_.config().developer_mode;
  options.warn = [](std::string_view line) { KPK_LOG_WARN("{}", line); };
  TxnLogState durable;
  auto log = OpenTxnLog(options, &durable);
  if (!log) return log.error();
  log_ = std::move(*log);
  snapshot_bytes_ = log_->size();
  txns_ = std::move(durable.txns);
  producer_id_block_end_ = durable.producer_id_block_end;
  // Ids up to the last reserved block may have been handed out before a crash.
  next_producer_id_ = std::max(next_producer_id_, producer_id_block_end_);
  return Status::OK();
}

Awaitable<void> TransactionCoordinator::Recover() {
  for (auto& [id, txn] : txns_) {
    if (txn.status == TxnStatus::kOngoing) {
      // Load the partitions' producer state now so the last stable offset holds back
      // read_committed consumers until this transaction ends.
      for (const auto& tp : txn.partitions) {
        if (auto log = state_.topics().Partition(tp.topic, tp.partition)) {
          producers_.For(tp.topic, tp.partition, log);
        }
      }
    }
    if (IsPrepare(txn.status)) {
      KPK_LOG_INFO("completing transaction {} left in {} by a restart", id,
                   TxnStatusName(txn.status));
      co_await Complete(txn);
    }
  }
  timer_ = std::make_unique<asio::steady_timer>(state_.io());
  ScheduleTimeouts();
}

std::set<TopicPartition> TransactionCoordinator::PendingOffsets(const std::string& group) const {
  // Complete() clears a transaction's offsets once they are applied (or dropped by an abort),
  // and a new transaction starts without any, so what is left here is pending.
  std::set<TopicPartition> pending;
  for (const auto& [_, txn] : txns_) {
    auto it = txn.offsets.find(group);
    if (it == txn.offsets.end()) continue;
    for (const auto& [tp, offset] : it->second) pending.insert(tp);
  }
  return pending;
}

void TransactionCoordinator::Stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
}

const Transaction* TransactionCoordinator::Find(const std::string& txn_id) const {
  auto it = txns_.find(txn_id);
  return it == txns_.end() ? nullptr : &it->second;
}

std::vector<const Transaction*> TransactionCoordinator::All() const {
  std::vector<const Transaction*> out;
  for (const auto& [_, t] : txns_) out.push_back(&t);
  return out;
}

ErrorCode TransactionCoordinator::Validate(const Transaction* txn, int64_t producer_id,
                                           int16_t epoch, bool fenced_error) const {
  if (txn == nullptr || txn->producer_id != producer_id) {
    return ErrorCode::kInvalidProducerIdMapping;
  }
  if (epoch < txn->epoch) return Fenced(fenced_error);
  if (epoch > txn->epoch) return ErrorCode::kInvalidProducerEpoch;
  if (IsPrepare(txn->status)) return ErrorCode::kConcurrentTransactions;
  return ErrorCode::kNone;
}

Awaitable<ErrorCode> TransactionCoordinator::Persist(const Transaction& txn) {
  Bytes record = EncodeTxnRecord(txn);
  Status s = co_await AwaitCompletion([this, &record](CompletionCallback done) {
    log_->Append(std::move(record), std::move(done));
  });
  if (!s.ok()) {
    KPK_LOG_ERROR("cannot persist transaction {}: {}", txn.id, s.ToString());
    co_return ErrorCode::kKafkaStorageError;
  }
  MaybeCompact();
  co_return ErrorCode::kNone;
}

// Compaction runs on the log's writer thread; the snapshot, taken after every queued append,
// holds all their effects.
void TransactionCoordinator::MaybeCompact() {
  const uint64_t size = log_->size();
  if (size < kCompactMinBytes || size < 2 * snapshot_bytes_) return;
  Bytes snapshot = EncodeTxnSnapshot(txns_, producer_id_block_end_);
  snapshot_bytes_ = storage::StateLog::HeaderSize(kTxnLogMagic) + snapshot.size();
  log_->Rewrite(std::move(snapshot), [](const Status& s) {
    if (!s.ok()) KPK_LOG_WARN("compacting the transaction log failed: {}", s.ToString());
  });
}

Awaitable<int64_t> TransactionCoordinator::AllocateProducerId() {
  const int64_t id = next_producer_id_++;
  if (id >= producer_id_block_end_) {
    producer_id_block_end_ = id + kProducerIdBlock;
    Bytes record = EncodeProducerIdBlockRecord(producer_id_block_end_);
    Status s = co_await AwaitCompletion([this, &record](CompletionCallback done) {
      log_->Append(std::move(record), std::move(done));
    });
    if (!s.ok()) co_return -1;
  }
  co_return id;
}

Awaitable<ProducerIdAndEpoch> TransactionCoordinator::InitProducerId(
    const std::optional<std::string>& txn_id, int32_t timeout_ms, int64_t producer_id,
    int16_t epoch, bool fenced_error) {
  if (!txn_id) {
    // Idempotent producer: a known id bumps its epoch (KIP-360), else a fresh id.
    if (producer_id >= 0 && epoch >= 0 && epoch < INT16_MAX - 1) {
      co_return ProducerIdAndEpoch{ErrorCode::kNone, producer_id, static_cast<int16_t>(epoch + 1)};
    }
    int64_t id = co_await AllocateProducerId();
    if (id < 0) co_return ProducerIdAndEpoch{ErrorCode::kKafkaStorageError};
    co_return ProducerIdAndEpoch{ErrorCode::kNone, id, 0};
  }
  if (timeout_ms <= 0 || timeout_ms > state_.config().cluster.transaction_max_timeout_ms) {
    co_return ProducerIdAndEpoch{ErrorCode::kInvalidTransactionTimeout};
  }
  auto [it, created] = txns_.try_emplace(*txn_id);
  Transaction& txn = it->second;
  if (created) {
    txn.id = *txn_id;
    txn.producer_id = co_await AllocateProducerId();
    if (txn.producer_id < 0) co_return ProducerIdAndEpoch{ErrorCode::kKafkaStorageError};
    txn.epoch = -1;
  } else if (IsPrepare(txn.status)) {
    co_return ProducerIdAndEpoch{ErrorCode::kConcurrentTransactions};
  } else if (producer_id >= 0 && (producer_id != txn.producer_id || epoch != txn.epoch)) {
    co_return ProducerIdAndEpoch{Fenced(fenced_error)};
  }
  txn.timeout_ms = timeout_ms;
  if (txn.status == TxnStatus::kOngoing) {
    // A new producer instance takes over: abort what the old one left, fencing it.
    ErrorCode e = co_await Abort(txn, /*bump_epoch=*/true);
    if (e != ErrorCode::kNone) co_return ProducerIdAndEpoch{e};
  } else if (txn.epoch >= INT16_MAX - 1) {
    txn.producer_id = co_await AllocateProducerId();
    txn.epoch = 0;
  } else {
    ++txn.epoch;
  }
  ErrorCode e = co_await Persist(txn);
  co_return ProducerIdAndEpoch{e, txn.producer_id, txn.epoch};
}

Awaitable<std::map<TopicPartition, ErrorCode>> TransactionCoordinator::AddPartitions(
    const std::string& txn_id, int64_t producer_id, int16_t epoch,
    const std::vector<TopicPartition>& partitions, bool fenced_error) {
  std::map<TopicPartition, ErrorCode> result;
  auto fail_all = [&](ErrorCode e) {
    for (const auto& tp : partitions) result[tp] = e;
    return result;
  };
  auto it = txns_.find(txn_id);
  Transaction* txn = it == txns_.end() ? nullptr : &it->second;
  if (ErrorCode e = Validate(txn, producer_id, epoch, fenced_error); e != ErrorCode::kNone) {
    co_return fail_all(e);
  }
  bool missing = false;
  for (const auto& tp : partitions) {
    const bool exists = state_.topics().Partition(tp.topic, tp.partition) != nullptr;
    result[tp] = exists ? ErrorCode::kOperationNotAttempted : ErrorCode::kUnknownTopicOrPartition;
    missing |= !exists;
  }
  if (missing) co_return result;
  if (txn->status != TxnStatus::kOngoing) {
    txn->partitions.clear();
    txn->groups.clear();
    txn->offsets.clear();
    txn->status = TxnStatus::kOngoing;
    txn->start_ms = NowMs();
  }
  size_t before = txn->partitions.size();
  txn->partitions.insert(partitions.begin(), partitions.end());
  ErrorCode e = ErrorCode::kNone;
  if (txn->partitions.size() != before || before == 0) e = co_await Persist(*txn);
  co_return fail_all(e);
}

Awaitable<ErrorCode> TransactionCoordinator::AddOffsets(const std::string& txn_id,
                                                        int64_t producer_id, int16_t epoch,
                                                        const std::string& group,
                                                        bool fenced_error) {
  auto it = txns_.find(txn_id);
  Transaction* txn = it == txns_.end() ? nullptr : &it->second;
  if (ErrorCode e = Validate(txn, producer_id, epoch, fenced_error); e != ErrorCode::kNone) {
    co_return e;
  }
  if (txn->status != TxnStatus::kOngoing) {
    txn->partitions.clear();
    txn->groups.clear();
    txn->offsets.clear();
    txn->status = TxnStatus::kOngoing;
    txn->start_ms = NowMs();
  }
  if (!txn->groups.insert(group).second) co_return ErrorCode::kNone;
  co_return co_await Persist(*txn);
}

Awaitable<ErrorCode> TransactionCoordinator::StageOffsets(
    const std::string& txn_id, int64_t producer_id, int16_t epoch, const std::string& group,
    const std::map<TopicPartition, StagedOffset>& offsets, bool fenced_error) {
  auto it = txns_.find(txn_id);
  Transaction* txn = it == txns_.end() ? nullptr : &it->second;
  if (ErrorCode e = Validate(txn, producer_id, epoch, fenced_error); e != ErrorCode::kNone) {
    co_return e;
  }
  if (txn->status != TxnStatus::kOngoing || !txn->groups.count(group)) {
    co_return ErrorCode::kInvalidTxnState;
  }
  for (const auto& [tp, o] : offsets) txn->offsets[group][tp] = o;
  co_return co_await Persist(*txn);
}

Awaitable<ErrorCode> TransactionCoordinator::EndTxn(const std::string& txn_id, int64_t producer_id,
                                                    int16_t epoch, bool commit, bool fenced_error) {
  auto it = txns_.find(txn_id);
  Transaction* txn = it == txns_.end() ? nullptr : &it->second;
  if (ErrorCode e = Validate(txn, producer_id, epoch, fenced_error); e != ErrorCode::kNone) {
    co_return e;
  }
  switch (txn->status) {
    case TxnStatus::kCompleteCommit:
      co_return commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState;  // a retried EndTxn
    case TxnStatus::kCompleteAbort:
      co_return commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone;
    case TxnStatus::kEmpty:
      txn->status = commit ? TxnStatus::kCompleteCommit : TxnStatus::kCompleteAbort;
      co_return co_await Persist(*txn);
    default:
      break;
  }
  txn->status = commit ? TxnStatus::kPrepareCommit : TxnStatus::kPrepareAbort;
  if (ErrorCode e = co_await Persist(*txn); e != ErrorCode::kNone) co_return e;
  co_return co_await Complete(*txn);
}

Awaitable<ErrorCode> TransactionCoordinator::Abort(Transaction& txn, bool bump_epoch) {
  if (bump_epoch) ++txn.epoch;
  txn.status = TxnStatus::kPrepareAbort;
  if (ErrorCode e = co_await Persist(txn); e != ErrorCode::kNone) co_return e;
  co_return co_await Complete(txn);
}

Awaitable<ErrorCode> TransactionCoordinator::Complete(Transaction& txn) {
  const bool commit = txn.status == TxnStatus::kPrepareCommit;
  ErrorCode result = co_await WriteMarkers(txn, commit);
  if (result != ErrorCode::kNone) co_return result;  // stays Prepare*: retried, or on restart
  if (commit) {
    for (const auto& [group, offsets] : txn.offsets) {
      if (!committer_) {
        KPK_LOG_WARN("no group coordinator to commit transactional offsets of {}", group);
        continue;
      }
      ErrorCode e = co_await committer_(group, offsets);
      if (e != ErrorCode::kNone) result = e;
    }
  }
  txn.status = commit ? TxnStatus::kCompleteCommit : TxnStatus::kCompleteAbort;
  txn.partitions.clear();
  txn.groups.clear();
  txn.offsets.clear();
  ErrorCode e = co_await Persist(txn);
  co_return result != ErrorCode::kNone ? result : e;
}

Awaitable<ErrorCode> TransactionCoordinator::WriteMarkers(const Transaction& txn, bool commit) {
  const protocol::ControlType type =
      commit ? protocol::ControlType::kCommit : protocol::ControlType::kAbort;
  std::vector<DurableTarget> durable;
  ErrorCode result = ErrorCode::kNone;
  for (const auto& tp : txn.partitions) {
    auto log = state_.topics().Partition(tp.topic, tp.partition);
    if (!log) continue;  // deleted since: nothing left to mark
    PartitionProducerState* producers = producers_.For(tp.topic, tp.partition, log);
    Bytes marker = protocol::BuildControlBatch({type, 0}, txn.producer_id, txn.epoch, NowMs());
    auto appended = log->Append(marker, NowMs());
    if (!appended || producers == nullptr) {
      KPK_LOG_ERROR("cannot write {} marker to {}-{}: {}", commit ? "commit" : "abort", tp.topic,
                    tp.partition,
                    appended ? "producer state unavailable" : appended.error().ToString());
      result = ErrorCode::kKafkaStorageError;
      continue;
    }
    producers->OnMarker(txn.producer_id, txn.epoch, type, 0, appended->base_offset);
    durable.push_back({log, appended->last_offset + 1});
    state_.waiters().Notify({tp.topic, tp.partition});
  }
  Status s = co_await WaitDurable(state_, std::move(durable));
  if (!s.ok()) result = ErrorCode::kKafkaStorageError;
  co_return result;
}

void TransactionCoordinator::ScheduleTimeouts() {
  if (stopped_) return;
  timer_->expires_after(kTimeoutCheckInterval);
  timer_->async_wait([this](const asio::error_code& ec) {
    if (ec || stopped_) return;
    asio::co_spawn(state_.io(), AbortExpired(), asio::detached);
  });
}

Awaitable<void> TransactionCoordinator::AbortExpired() {
  const int64_t now = NowMs();
  for (auto& [id, txn] : txns_) {
    if (txn.status == TxnStatus::kOngoing && now - txn.start_ms > txn.timeout_ms) {
      KPK_LOG_INFO("aborting transaction {} after its {} ms timeout", id, txn.timeout_ms);
      co_await Abort(txn, /*bump_epoch=*/true);
    }
  }
  ScheduleTimeouts();
}

}  // namespace kpk::broker::transactions
