#include "broker/handlers/produce.h"

#include <algorithm>
#include <vector>

#include "broker/core/broker_state.h"
#include "broker/core/durability.h"
#include "broker/core/partition_waiters.h"
#include "broker/protocol/record_batch.h"
#include "broker/storage/compacted_batch.h"
#include "broker/transactions/producer_states.h"
#include "common/log.h"

namespace kpk::broker::handlers {
namespace {

using Response = ProduceHandler::Response;
using PartitionResponse = Response::PartitionProduceResponse;

struct Validated {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<std::span<uint8_t>> batches;
};

// Checks every batch of a partition before any is appended: a request's batches for one
// partition are written all or none.
Validated ValidateBatches(const protocol::Records& records, int16_t version, int64_t max_bytes) {
  Validated v;
  // The request frame belongs to this request alone and is not const underneath: stamping
  // offsets into it in place spares a copy of every batch.
  auto* data = const_cast<uint8_t*>(records.bytes().data());
  protocol::RecordSetIterator it(records.bytes());
  ByteSpan batch;
  while (it.Next(&batch)) {
    auto view = protocol::RecordBatchView::Parse(batch);
    if (!view || view->magic() != protocol::kMagicV2) {
      return {ErrorCode::kInvalidRecord, "only magic 2 record batches are supported", {}};
    }
    if (Status s = protocol::ValidateRecordBatch(batch); !s.ok()) {
      return {ErrorCode::kCorruptMessage, s.message(), {}};
    }
    // A CRC only proves the bytes arrived as sent: records that do not parse would be stored and
    // then break every consumer that reads them, so check them as Kafka does (uncompressed
    // batches only; compressed ones are stored without being opened).
    if (Status s = protocol::ValidateRecords(*view); !s.ok()) {
      return {ErrorCode::kInvalidRecord, s.message(), {}};
    }
    if (static_cast<int64_t>(batch.size()) > max_bytes) {
      return {ErrorCode::kMessageTooLarge, "record batch larger than max.message.bytes", {}};
    }
    if (view->compression() == protocol::Compression::kZstd && version < 7) {
      return {ErrorCode::kUnsupportedCompressionType, "zstd needs Produce v7 or later", {}};
    }
    const size_t at = static_cast<size_t>(batch.data() - records.bytes().data());
    v.batches.emplace_back(data + at, batch.size());
  }
  if (!it.status().ok() || v.batches.empty()) {
    return {ErrorCode::kCorruptMessage, "truncated or empty record set", {}};
  }
  return v;
}

int64_t MaxMessageBytes(const storage::TopicMetadata& topic, const ClusterProperties& cluster) {
  if (auto it = topic.configs.find("max.message.bytes"); it != topic.configs.end()) {
    return std::stoll(it->second);
  }
  return cluster.kafka_batch_max_bytes;
}

ErrorCode ErrorForAppend(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case Status::Code::kInvalidArgument:
      return ErrorCode::kMessageTooLarge;
    default:
      return ErrorCode::kKafkaStorageError;
  }
}

// Kafka answers a failed partition with offsets of -1, not 0 (which is a real offset).
PartitionResponse Failed(int32_t index, ErrorCode code) {
  PartitionResponse r;
  r.index = index;
  r.error_code = ToInt(code);
  r.base_offset = -1;
  return r;
}

// Kafka's LogValidator: a compacted topic keeps records by key, so one without a key could
// never be read back as anyone's latest value. The whole request for the partition fails.
std::optional<PartitionResponse> RejectKeyless(const Validated& v, int32_t index,
                                               const std::string& topic) {
  for (size_t i = 0; i < v.batches.size(); ++i) {
    auto view = protocol::RecordBatchView::Parse(v.batches[i]);
    if (view->is_control()) continue;
    auto opened = storage::OpenedBatch::Open(*view);
    bool keyless = !opened;
    std::string message = opened ? "" : opened.error().message();
    if (opened) {
      Status s = opened->ForEach(
          [&](const protocol::RecordView& r, ByteSpan) { keyless = keyless || !r.key; });
      if (!s.ok()) keyless = true, message = s.message();
    }
    if (!keyless) continue;
    PartitionResponse r = Failed(index, ErrorCode::kInvalidRecord);
    if (message.empty()) {
      message =
          fmt::format("Compacted topic cannot accept message without key in topic partition {}-{}.",
                      topic, index);
    }
    r.error_message = message;
    protocol::ProduceResponse::BatchIndexAndErrorMessage error;
    error.batch_index = static_cast<int32_t>(i);
    r.record_errors.push_back(std::move(error));
    return r;
  }
  return std::nullopt;
}

// Appends one partition's batches; `durable` gets what must reach the disk before an acks=-1
// answer.
PartitionResponse AppendPartition(RequestContext& ctx, const storage::TopicMetadata& topic,
                                  const protocol::ProduceRequest::PartitionProduceData& data,
                                  std::optional<DurableTarget>& durable) {
  auto log = ctx.state.topics().Partition(topic.name, data.index);
  if (!log)
    return Failed(data.index, ctx.state.topics().MissingPartitionError(topic.name, data.index));
  // An offline partition answers as Kafka's does, without a log line per request (it was
  // reported once when found).
  if (!log->unservable().ok()) return Failed(data.index, ErrorCode::kKafkaStorageError);
  Validated v = data.records ? ValidateBatches(*data.records, ctx.version,
                                               MaxMessageBytes(topic, ctx.state.config().cluster))
                             : Validated{ErrorCode::kCorruptMessage, "null record set", {}};
  if (v.error != ErrorCode::kNone) {
    KPK_LOG_DEBUG("rejecting produce to {}-{} from {}: {}", topic.name, data.index, ctx.client_host,
                  v.message);
    PartitionResponse r = Failed(data.index, v.error);
    r.error_message = v.message;
    return r;
  }
  if (log->config().cleanup_compact) {
    if (auto rejected = RejectKeyless(v, data.index, topic.name)) {
      KPK_LOG_DEBUG("rejecting produce to {}-{} from {}: {}", topic.name, data.index,
                    ctx.client_host, *rejected->error_message);
      return *rejected;
    }
  }
  PartitionResponse r;
  r.index = data.index;
  const int64_t now = NowMs();
  uint64_t appended_bytes = 0;  // for the partition's traffic metrics
  uint64_t appended_records = 0;
  for (size_t i = 0; i < v.batches.size(); ++i) {
    auto view = protocol::RecordBatchView::Parse(v.batches[i]);
    transactions::PartitionProducerState* producers = nullptr;
    if (view->producer_id() >= 0) {
      producers = ctx.producers.For(topic.name, data.index, log);
      if (producers == nullptr) {
        r.error_code = ToInt(ErrorCode::kKafkaStorageError);
        break;
      }
      transactions::SequenceCheck check = producers->Check(*view);
      if (check.error != ErrorCode::kNone) {
        r.error_code = ToInt(check.error);
        break;
      }
      if (check.duplicate_of) {
        // A retry of a batch already in the log: acknowledge it where it is, write nothing.
        if (i == 0) r.base_offset = *check.duplicate_of;
        continue;
      }
    }
    auto appended = log->Append(v.batches[i], now);
    if (!appended) {
      KPK_LOG_WARN("append to {}-{} failed: {}", topic.name, data.index,
                   appended.error().ToString());
      r.error_code = ToInt(ErrorForAppend(appended.error()));
      r.error_message = appended.error().message();
      break;
    }
    if (producers) producers->OnAppend(*view, appended->base_offset, appended->last_offset);
    if (i == 0) {
      r.base_offset = appended->base_offset;
      r.log_append_time_ms = appended->log_append_time_ms;
    }
    ctx.state.metrics().produced_bytes += v.batches[i].size();
    ++ctx.state.metrics().produced_batches;
    appended_bytes += v.batches[i].size();
    appended_records += static_cast<uint64_t>(std::max(view->record_count(), 0));
    durable = DurableTarget{log, appended->last_offset + 1};
  }
  if (appended_bytes > 0) {
    Traffic& traffic = ctx.state.metrics().Topic(topic.name).Partition(data.index);
    traffic.produced_bytes += appended_bytes;
    traffic.produced_records += appended_records;
  }
  r.log_start_offset = log->log_start_offset();
  if (r.error_code != 0) r.base_offset = r.log_start_offset = -1;
  ctx.state.waiters().Notify({topic.name, data.index});
  return r;
}

}  // namespace

Awaitable<ProduceHandler::Response> ProduceHandler::Handle(RequestContext& ctx,
                                                           const Request& request) {
  Response response;
  const bool valid_acks = request.acks == -1 || request.acks == 0 || request.acks == 1;
  std::vector<DurableTarget> durable;
  std::vector<PartitionResponse*> waiting;  // responses that depend on `durable`
  for (const auto& topic_data : request.topic_data) {
    auto& topic_response = response.responses.emplace_back();
    topic_response.name = topic_data.name;
    auto topic = ctx.state.topics().Find(topic_data.name);
    for (const auto& data : topic_data.partition_data) {
      if (!valid_acks || !topic) {
        topic_response.partition_responses.push_back(
            Failed(data.index, valid_acks ? ErrorCode::kUnknownTopicOrPartition
                                          : ErrorCode::kInvalidRequiredAcks));
        continue;
      }
      std::optional<DurableTarget> target;
      topic_response.partition_responses.push_back(AppendPartition(ctx, *topic, data, target));
      if (target) durable.push_back(std::move(*target));
    }
  }
  for (auto& t : response.responses) {
    for (auto& p : t.partition_responses) {
      if (p.error_code == 0) waiting.push_back(&p);
    }
  }
  if (request.acks == -1 && !durable.empty()) {
    Status s = co_await WaitDurable(ctx.state, std::move(durable));
    if (!s.ok()) {
      KPK_LOG_ERROR("could not make produced data durable: {}", s.ToString());
      for (auto* p : waiting) p->error_code = ToInt(ErrorCode::kKafkaStorageError);
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
