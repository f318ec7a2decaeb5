// The handler list. Adding an API: write handlers/<api>.{h,cc}, add it to kHandlers below.
#include "broker/handlers/registry.h"

#include <algorithm>
#include <array>
#include <memory>
#include <type_traits>

#include "broker/handlers/add_offsets_to_txn.h"
#include "broker/handlers/add_partitions_to_txn.h"
#include "broker/handlers/alter_configs.h"
#include "broker/handlers/api_versions.h"
#include "broker/handlers/create_acls.h"
#include "broker/handlers/create_partitions.h"
#include "broker/handlers/create_topics.h"
#include "broker/handlers/delete_acls.h"
#include "broker/handlers/delete_groups.h"
#include "broker/handlers/delete_records.h"
#include "broker/handlers/delete_topics.h"
#include "broker/handlers/describe_acls.h"
#include "broker/handlers/describe_cluster.h"
#include "broker/handlers/describe_configs.h"
#include "broker/handlers/describe_groups.h"
#include "broker/handlers/describe_log_dirs.h"
#include "broker/handlers/describe_producers.h"
#include "broker/handlers/describe_transactions.h"
#include "broker/handlers/end_txn.h"
#include "broker/handlers/fetch.h"
#include "broker/handlers/find_coordinator.h"
#include "broker/handlers/heartbeat.h"
#include "broker/handlers/incremental_alter_configs.h"
#include "broker/handlers/init_producer_id.h"
#include "broker/handlers/join_group.h"
#include "broker/handlers/leave_group.h"
#include "broker/handlers/list_groups.h"
#include "broker/handlers/list_offsets.h"
#include "broker/handlers/list_transactions.h"
#include "broker/handlers/metadata.h"
#include "broker/handlers/offset_commit.h"
#include "broker/handlers/offset_delete.h"
#include "broker/handlers/offset_fetch.h"
#include "broker/handlers/offset_for_leader_epoch.h"
#include "broker/handlers/produce.h"
#include "broker/handlers/sync_group.h"
#include "broker/handlers/txn_offset_commit.h"

namespace kpk::broker::handlers {
namespace {

template <typename T>
struct IsAwaitable : std::false_type {};
template <typename T>
struct IsAwaitable<asio::awaitable<T>> : std::true_type {};

template <typename Response>
concept CarriesRecords = requires(Response r) {
  r.responses.front().partitions.front().records;
};

// Record sets at least this large are sent from the buffers they were read into; below it an
// iovec costs more than the copy it saves.
constexpr size_t kMinSplicedRecordBytes = 4096;

// Room for a response's encoding, record sets that will be spliced aside.
template <typename Response>
size_t EncodedSizeHint(const Response& response) {
  size_t size = 256;
  if constexpr (CarriesRecords<Response>) {
    for (const auto& topic : response.responses) {
      size += 64 + topic.topic.size();
      for (const auto& p : topic.partitions) {
        size += 128 + 32 * (p.aborted_transactions ? p.aborted_transactions->size() : 0);
        if (p.records && p.records->size() < kMinSplicedRecordBytes) size += p.records->size();
      }
    }
  }
  return size;
}

template <typename Response>
ResponseBody Encode(Response response, int16_t version) {
  ByteWriter w(EncodedSizeHint(response));
  if constexpr (CarriesRecords<Response>) {
    // The response owns its records (Fetch reads them into shared buffers): keeping it alive
    // keeps the spliced bytes alive.
    auto held = std::make_shared<const Response>(std::move(response));
    w.AllowSplicing(kMinSplicedRecordBytes);
    held->Encode(w, version);
    return ResponseBody{w.Take(), w.TakeSplices(), std::move(held)};
  } else {
    response.Encode(w, version);
    return ResponseBody{w.Take(), {}, nullptr};
  }
}

template <typename H>
Awaitable<HandlerOutcome> Invoke(RequestContext& ctx, ByteReader& body) {
  typename H::Request request;
  if (!request.Decode(body, ctx.version))
    co_return HandlerOutcome{HandlerOutcome::Kind::kMalformed, {}};
  typename H::Response response;
  if constexpr (IsAwaitable<decltype(H::Handle(ctx, request))>::value) {
    response = co_await H::Handle(ctx, request);
  } else {
    response = H::Handle(ctx, request);
  }
  if constexpr (requires { H::NoResponse(request); }) {
    if (H::NoResponse(request)) co_return HandlerOutcome{HandlerOutcome::Kind::kNoResponse, {}};
  }
  co_return HandlerOutcome{HandlerOutcome::Kind::kRespond,
                           Encode(std::move(response), ctx.version)};
}

using InvokeFn = Awaitable<HandlerOutcome> (*)(RequestContext&, ByteReader&);

struct Entry {
  SupportedApi api;
  InvokeFn invoke;
};

template <typename H>
constexpr Entry Make(const char* name) {
  return Entry{{H::kApiKey, H::kMinVersion, H::kMaxVersion, name}, &Invoke<H>};
}

template <size_t N>
constexpr std::array<Entry, N> SortedByKey(std::array<Entry, N> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.api.key < b.api.key; });
  return entries;
}

constexpr auto kHandlers = SortedByKey(std::array{
    Make<ApiVersionsHandler>("ApiVersions"),
    Make<MetadataHandler>("Metadata"),
    Make<ProduceHandler>("Produce"),
    Make<FetchHandler>("Fetch"),
    Make<ListOffsetsHandler>("ListOffsets"),
    Make<CreateTopicsHandler>("CreateTopics"),
    Make<DeleteTopicsHandler>("DeleteTopics"),
    Make<CreatePartitionsHandler>("CreatePartitions"),
    Make<DeleteRecordsHandler>("DeleteRecords"),
    Make<DescribeConfigsHandler>("DescribeConfigs"),
    Make<AlterConfigsHandler>("AlterConfigs"),
    Make<IncrementalAlterConfigsHandler>("IncrementalAlterConfigs"),
    Make<DescribeClusterHandler>("DescribeCluster"),
    Make<DescribeAclsHandler>("DescribeAcls"),
    Make<CreateAclsHandler>("CreateAcls"),
    Make<DeleteAclsHandler>("DeleteAcls"),
    Make<DescribeLogDirsHandler>("DescribeLogDirs"),
    Make<OffsetForLeaderEpochHandler>("OffsetForLeaderEpoch"),
    Make<DeleteGroupsHandler>("DeleteGroups"),
    Make<DescribeGroupsHandler>("DescribeGroups"),
    Make<FindCoordinatorHandler>("FindCoordinator"),
    Make<HeartbeatHandler>("Heartbeat"),
    Make<JoinGroupHandler>("JoinGroup"),
    Make<LeaveGroupHandler>("LeaveGroup"),
    Make<ListGroupsHandler>("ListGroups"),
    Make<OffsetCommitHandler>("OffsetCommit"),
    Make<OffsetDeleteHandler>("OffsetDelete"),
    Make<OffsetFetchHandler>("OffsetFetch"),
    Make<SyncGroupHandler>("SyncGroup"),
    Make<AddOffsetsToTxnHandler>("AddOffsetsToTxn"),
    Make<AddPartitionsToTxnHandler>("AddPartitionsToTxn"),
    Make<DescribeProducersHandler>("DescribeProducers"),
    Make<DescribeTransactionsHandler>("DescribeTransactions"),
    Make<EndTxnHandler>("EndTxn"),
    Make<InitProducerIdHandler>("InitProducerId"),
    Make<ListTransactionsHandler>("ListTransactions"),
    Make<TxnOffsetCommitHandler>("TxnOffsetCommit"),
});

constexpr auto kApis = [] {
  std::array<SupportedApi, kHandlers.size()> apis{};
  for (size_t i = 0; i < kHandlers.size(); ++i) apis[i] = kHandlers[i].api;
  return apis;
}();

const Entry* FindEntry(int16_t key) {
  auto it = std::lower_bound(kHandlers.begin(), kHandlers.end(), key,
                             [](const Entry& e, int16_t k) { return e.api.key < k; });
  return it != kHandlers.end() && it->api.key == key ? &*it : nullptr;
}

}  // namespace

std::span<const SupportedApi> SupportedApis() { return kApis; }

const SupportedApi* FindSupportedApi(int16_t key) {
  const Entry* e = FindEntry(key);
  return e ? &e->api : nullptr;
}

Awaitable<HandlerOutcome> Dispatch(RequestContext& ctx, ByteReader& body) {
  const Entry* e = FindEntry(ctx.header.request_api_key);
  co_return co_await e->invoke(ctx, body);
}

}  // namespace kpk::broker::handlers
