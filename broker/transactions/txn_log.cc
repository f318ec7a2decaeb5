#include "broker/transactions/txn_log.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "broker/storage/log_format.h"
#include "broker/transactions/legacy_txn_log.h"

namespace kpk::broker::transactions {
namespace {

using json = nlohmann::json;

json ToJson(const Transaction& t) {
  json parts = json::array();
  for (const auto& tp : t.partitions) parts.push_back({tp.topic, tp.partition});
  json offsets = json::object();
  for (const auto& [group, staged] : t.offsets) {
    json list = json::array();
    for (const auto& [tp, o] : staged) {
      list.push_back({tp.topic, tp.partition, o.offset, o.leader_epoch,
                      o.metadata ? json(*o.metadata) : json(nullptr)});
    }
    offsets[group] = list;
  }
  return {{"type", "txn"},           {"id", t.id},
          {"pid", t.producer_id},    {"epoch", t.epoch},
          {"timeout", t.timeout_ms}, {"status", static_cast<int>(t.status)},
          {"start", t.start_ms},     {"partitions", parts},
          {"groups", t.groups},      {"offsets", offsets}};
}

Transaction FromJson(const json& j) {
  Transaction t;
  t.id = j.at("id").get<std::string>();
  t.producer_id = j.at("pid").get<int64_t>();
  t.epoch = j.at("epoch").get<int16_t>();
  t.timeout_ms = j.at("timeout").get<int32_t>();
  t.status = static_cast<TxnStatus>(j.at("status").get<int>());
  t.start_ms = j.at("start").get<int64_t>();
  for (const auto& p : j.at("partitions")) t.partitions.insert({p[0], p[1]});
  for (const auto& g : j.at("groups")) t.groups.insert(g.get<std::string>());
  for (const auto& [group, list] : j.at("offsets").items()) {
    for (const auto& o : list) {
      StagedOffset staged{o[2].get<int64_t>(), o[3].get<int32_t>(), std::nullopt};
      if (!o[4].is_null()) staged.metadata = o[4].get<std::string>();
      t.offsets[group][{o[0], o[1]}] = staged;
    }
  }
  return t;
}

json ProducerIdBlockJson(int64_t block_end) { return {{"type", "pids"}, {"end", block_end}}; }

Bytes Frame(const json& record) {
  ByteWriter w;
  storage::StateLog::AppendRecord(w, AsBytes(record.dump()));
  return w.Take();
}

// Applies one record. Text that is not a JSON object is skipped, as the legacy reader did.
Status Apply(std::string_view text, TxnLogState& state) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::OK();
  try {
    if (j.value("type", "") == "pids") {
      state.producer_id_block_end =
          std::max(state.producer_id_block_end, j.at("end").get<int64_t>());
    } else if (j.value("type", "") == "txn") {
      Transaction t = FromJson(j);
      state.txns[t.id] = std::move(t);
    }
  } catch (const json::exception& e) {
    return Status::Corruption(fmt::format("a transaction record with bad fields: {}", e.what()));
  }
  return Status::OK();
}

storage::StateLog::Options LogOptions(const TxnLogOptions& options) {
  storage::StateLog::Options log_options;
  log_options.fs = options.fs;
  log_options.path = JoinPath(options.data_dir, storage::format::kTxnLogFileName);
  log_options.magic = std::string(kTxnLogMagic);
  log_options.version = kTxnLogVersion;
  log_options.sync = options.sync;
  log_options.warn = options.warn;
  return log_options;
}

// Rewrites a legacy transactions.log as transactions.state (see txn_log.h).
Status MigrateLegacyLog(FileSystem& fs, const TxnLogOptions& options) {
  const std::string legacy = JoinPath(options.data_dir, storage::format::kLegacyTxnLogFileName);
  if (!fs.Exists(legacy)) return Status::OK();
  const storage::StateLog::Options log_options = LogOptions(options);
  if (!fs.Exists(log_options.path)) {
    auto records = ReadLegacyTxnLog(fs, legacy);
    if (!records) return records.error();
    TxnLogState state;
    for (const std::string& record : *records) {
      if (Status s = Apply(record, state); !s.ok()) return s;
    }
    Bytes snapshot = EncodeTxnSnapshot(state.txns, state.producer_id_block_end);
    if (Status s = storage::StateLog::Create(log_options, snapshot); !s.ok()) return s;
    if (options.warn) {
      options.warn(
          fmt::format("migrated {} ({} records) to {}", legacy, records->size(), log_options.path));
    }
  }
  if (Status s = fs.RemoveFile(legacy); !s.ok()) return s;
  return options.sync ? fs.SyncDir(options.data_dir) : Status::OK();
}

}  // namespace

Result<std::unique_ptr<storage::StateLog>> OpenTxnLog(const TxnLogOptions& options,
                                                      TxnLogState* state) {
  FileSystem& fs = options.fs ? *options.fs : *DefaultFileSystem();
  if (Status s = MigrateLegacyLog(fs, options); !s.ok()) return Err(s);
  storage::StateLog::Options log_options = LogOptions(options);
  log_options.fs = &fs;
  return storage::StateLog::Open(std::move(log_options),
                                 [state](ByteSpan body) { return Apply(AsChars(body), *state); });
}

Bytes EncodeTxnRecord(const Transaction& txn) { return Frame(ToJson(txn)); }

Bytes EncodeProducerIdBlockRecord(int64_t block_end) {
  return Frame(ProducerIdBlockJson(block_end));
}

Bytes EncodeTxnSnapshot(const std::map<std::string, Transaction>& txns,
                        int64_t producer_id_block_end) {
  ByteWriter w;
  storage::StateLog::AppendRecord(w, AsBytes(ProducerIdBlockJson(producer_id_block_end).dump()));
  for (const auto& [_, txn] : txns) {
    storage::StateLog::AppendRecord(w, AsBytes(ToJson(txn).dump()));
  }
  return w.Take();
}

}  // namespace kpk::broker::transactions
