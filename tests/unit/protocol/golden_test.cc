// Golden frames: requests real clients sent to librdkafka's mock cluster (captured with
// tests/support/capture_goldens.py) must decode to the fields the clients were asked to send
// and re-encode to exactly the captured bytes. These catch what the generated round trip
// cannot: a codec that agrees with itself but not with Kafka's wire format.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "broker/protocol/record_batch.h"
#include "request_frames.h"

namespace kpk::broker::protocol {
namespace {

using testing::DecodeFrameHeader;
using testing::EncodeFrame;
using testing::VisitRequestType;

const std::filesystem::path kFixtures = KPK_GOLDEN_FIXTURES;

Bytes ReadFixture(const std::string& name) {
  std::ifstream in(kFixtures / name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The body of a golden frame, decoded at the version its header names.
template <typename T>
T Body(ByteSpan frame) {
  auto h = DecodeFrameHeader(frame);
  REQUIRE(h.has_value());
  T body;
  ByteReader r(frame.subspan(h->body_offset));
  REQUIRE(body.Decode(r, h->header.request_api_version));
  return body;
}

// A consumer-protocol blob (JoinGroup metadata, SyncGroup assignment): int16 version + body.
template <typename T>
T Embedded(ByteSpan bytes) {
  ByteReader r(bytes);
  const int16_t version = r.ReadInt16();
  T m;
  REQUIRE(m.Decode(r, version));
  CHECK(r.empty());
  return m;
}

// What the record batches of one partition's records hold.
struct RecordsSeen {
  int batches = 0;
  int64_t producer_id = kNoProducerId;
  int32_t base_sequence = kNoSequence;
  bool transactional = false;
  std::vector<std::string> keys;
  std::vector<std::string> values;
};

std::string Text(const std::optional<ByteSpan>& b) {
  return b ? std::string(AsChars(*b)) : "<null>";
}

// Checks that `records` is a view into `frame` right after its int32 length (zero copy, and the
// size is what the wire says), that every batch validates (CRC, counts, records), and collects
// what the batches hold.
RecordsSeen ReadRecords(const std::optional<Records>& records, ByteSpan frame) {
  REQUIRE(records.has_value());
  const uint8_t* begin = records->bytes().data();
  REQUIRE(begin >= frame.data() + 4);
  REQUIRE(begin + records->size() <= frame.data() + frame.size());
  CHECK(LoadBigEndian<int32_t>(begin - 4) == static_cast<int32_t>(records->size()));
  RecordsSeen seen;
  RecordSetIterator batches(records->bytes());
  ByteSpan batch;
  while (batches.Next(&batch)) {
    ++seen.batches;
    CHECK(ValidateRecordBatch(batch).ok());
    auto view = RecordBatchView::Parse(batch);
    REQUIRE(view.has_value());
    CHECK(ValidateRecords(*view).ok());
    seen.producer_id = view->producer_id();
    seen.base_sequence = view->base_sequence();
    seen.transactional = view->is_transactional();
    RecordIterator it(*view);
    RecordView record;
    while (it.Next(&record)) {
      seen.keys.push_back(Text(record.key));
      seen.values.push_back(Text(record.value));
    }
    CHECK(it.status().ok());
  }
  CHECK(batches.status().ok());
  return seen;
}

// Vectors as text, so a failed comparison prints the values.
template <typename T>
std::string Show(const std::vector<T>& v) {
  std::string out = "[";
  for (const auto& e : v) {
    if (out.size() > 1) out += ",";
    if constexpr (std::is_arithmetic_v<T>) {
      out += std::to_string(e);
    } else {
      out += e;
    }
  }
  return out + "]";
}

std::vector<std::string> Numbered(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// The one partition's records of a single-topic, single-partition Produce.
RecordsSeen ProduceRecords(const ProduceRequest& p, ByteSpan frame, const std::string& topic,
                           int32_t partition) {
  REQUIRE(p.topic_data.size() == 1);
  CHECK(p.topic_data[0].name == topic);
  REQUIRE(p.topic_data[0].partition_data.size() == 1);
  CHECK(p.topic_data[0].partition_data[0].index == partition);
  CHECK(p.timeout_ms == 30000);
  return ReadRecords(p.topic_data[0].partition_data[0].records, frame);
}

void ExpectTopics(const MetadataRequest& m, std::vector<std::string> names) {
  REQUIRE(m.topics.has_value());
  std::vector<std::string> got;
  for (const auto& t : *m.topics) got.push_back(t.name.value_or("<null>"));
  CHECK(Show(got) == Show(names));
}

void ExpectPartitionsOf(const std::vector<int32_t>& partitions, std::vector<int32_t> want) {
  CHECK(Show(partitions) == Show(want));
}

// A JoinGroup from a consumer subscribed to `topic`, offering `protocols` in order.
void ExpectJoin(const JoinGroupRequest& j, const std::string& group, int32_t session_ms,
                int32_t rebalance_ms, std::vector<std::string> protocols,
                const std::string& topic) {
  CHECK(j.group_id == group);
  CHECK(j.session_timeout_ms == session_ms);
  CHECK(j.rebalance_timeout_ms == rebalance_ms);
  CHECK(j.member_id.empty());  // first join: the coordinator assigns the member id
  CHECK(!j.group_instance_id.has_value());
  CHECK(j.protocol_type == "consumer");
  std::vector<std::string> names;
  for (const auto& p : j.protocols) {
    names.push_back(p.name);
    auto sub = Embedded<ConsumerProtocolSubscription>(p.metadata);
    CHECK(Show(sub.topics) == Show(std::vector<std::string>{topic}));
  }
  CHECK(Show(names) == Show(protocols));
}

// A SyncGroup from the group leader (the only member) assigning itself both partitions.
void ExpectSync(const SyncGroupRequest& s, const std::string& group, const std::string& topic) {
  CHECK(s.group_id == group);
  CHECK(s.generation_id > 0);
  CHECK(!s.member_id.empty());
  REQUIRE(s.assignments.size() == 1);
  CHECK(s.assignments[0].member_id == s.member_id);
  auto a = Embedded<ConsumerProtocolAssignment>(s.assignments[0].assignment);
  REQUIRE(a.assigned_partitions.size() == 1);
  CHECK(a.assigned_partitions[0].topic == topic);
  ExpectPartitionsOf(a.assigned_partitions[0].partitions, {0, 1});
}

void ExpectHeartbeat(const HeartbeatRequest& h, const std::string& group) {
  CHECK(h.group_id == group);
  CHECK(h.generation_id > 0);
  CHECK(!h.member_id.empty());
  CHECK(!h.group_instance_id.has_value());
}

void ExpectLeave(const LeaveGroupRequest& l, const std::string& group) {
  CHECK(l.group_id == group);
  CHECK(!l.member_id.empty());
}

void ExpectOffsetFetch(const OffsetFetchRequest& f, const std::string& group,
                       const std::string& topic) {
  CHECK(f.group_id == group);
  REQUIRE(f.topics.has_value());
  REQUIRE(f.topics->size() == 1);
  CHECK((*f.topics)[0].name == topic);
  ExpectPartitionsOf((*f.topics)[0].partition_indexes, {0, 1});
}

// OffsetCommit of one topic: "partition:offset" in order.
void ExpectCommit(const OffsetCommitRequest& c, const std::string& group, const std::string& topic,
                  std::vector<std::string> offsets) {
  CHECK(c.group_id == group);
  CHECK(c.generation_id_or_member_epoch > 0);
  CHECK(!c.member_id.empty());
  REQUIRE(c.topics.size() == 1);
  CHECK(c.topics[0].name == topic);
  std::vector<std::string> got;
  for (const auto& p : c.topics[0].partitions) {
    got.push_back(std::to_string(p.partition_index) + ":" + std::to_string(p.committed_offset));
  }
  CHECK(Show(got) == Show(offsets));
}

// ListOffsets for the earliest offset (-2) of `partitions`.
void ExpectEarliest(const ListOffsetsRequest& l, const std::string& topic,
                    std::vector<int32_t> partitions, int8_t isolation) {
  CHECK(l.replica_id == -1);
  CHECK(l.isolation_level == isolation);
  REQUIRE(l.topics.size() == 1);
  CHECK(l.topics[0].name == topic);
  std::vector<int32_t> got;
  for (const auto& p : l.topics[0].partitions) {
    got.push_back(p.partition_index);
    CHECK(p.timestamp == -2);
  }
  CHECK(Show(got) == Show(partitions));
}

// A Fetch of `partitions` of `topic`, all from offset 0.
void ExpectFetch(const FetchRequest& f, const std::string& topic, std::vector<int32_t> partitions,
                 int32_t max_wait_ms, int8_t isolation) {
  CHECK(f.replica_id == -1);
  CHECK(f.max_wait_ms == max_wait_ms);
  CHECK(f.min_bytes == 1);
  CHECK(f.isolation_level == isolation);
  REQUIRE(f.topics.size() == 1);
  CHECK(f.topics[0].topic == topic);
  std::vector<int32_t> got;
  for (const auto& p : f.topics[0].partitions) {
    got.push_back(p.partition);
    CHECK(p.fetch_offset == 0);
    CHECK(p.partition_max_bytes == 1048576);
  }
  CHECK(Show(got) == Show(partitions));
}

void ExpectEmptyBody(ByteSpan frame) {
  auto h = DecodeFrameHeader(frame);
  REQUIRE(h.has_value());
  CHECK(h->body_offset == frame.size());
}

using Check = void (*)(ByteSpan frame);

struct Golden {
  const char* file;  // under fixtures/golden
  ApiKey api;
  int16_t version;
  const char* client_id;
  Check check;
};

constexpr const char* kRdkafka = "rdkafka";
constexpr const char* kPythonProducer = "kafka-python-producer-1";
constexpr const char* kPython = "kafka-python-2.0.2";
constexpr const char* kKafkaJs = "kafkajs";
const std::string kKcatGroup = "golden-kcat-group";
const std::string kPythonGroup = "golden-kafka-python-group";
const std::string kJsGroup = "golden-kafkajs-group";
const std::string kJsTxn = "golden-kafkajs-group-txn";

// clang-format off
const Golden kGoldens[] = {
  // kcat: -L, -P, -C, -G, then -P with enable.idempotence=true.
  {"kcat/01_api_versions_v3.bin", ApiKey::kApiVersions, 3, kRdkafka, +[](ByteSpan f) {
     auto b = Body<ApiVersionsRequest>(f);
     CHECK(b.client_software_name == "librdkafka");
     CHECK(b.client_software_version == "2.0.2");
   }},
  // The mock answers v3 with UNSUPPORTED_VERSION; librdkafka falls back to v0.
  {"kcat/02_api_versions_v0.bin", ApiKey::kApiVersions, 0, kRdkafka, ExpectEmptyBody},
  {"kcat/03_metadata_v2.bin", ApiKey::kMetadata, 2, kRdkafka, +[](ByteSpan f) {
     ExpectTopics(Body<MetadataRequest>(f), {});  // brokers only
   }},
  {"kcat/04_metadata_v2.bin", ApiKey::kMetadata, 2, kRdkafka, +[](ByteSpan f) {
     ExpectTopics(Body<MetadataRequest>(f), {"golden-kcat"});
   }},
  {"kcat/05_produce_v7.bin", ApiKey::kProduce, 7, kRdkafka, +[](ByteSpan f) {
     auto p = Body<ProduceRequest>(f);
     CHECK(!p.transactional_id.has_value());
     CHECK(p.acks == -1);
     auto seen = ProduceRecords(p, f, "golden-kcat", 0);
     CHECK(seen.batches == 1);
     CHECK(seen.producer_id == kNoProducerId);
     CHECK(Show(seen.keys) == Show(std::vector<std::string>(3, "kcat-key")));
     CHECK(Show(seen.values) == Show(Numbered("kcat-message-", 3)));
   }},
  {"kcat/06_list_offsets_v2.bin", ApiKey::kListOffsets, 2, kRdkafka, +[](ByteSpan f) {
     ExpectEarliest(Body<ListOffsetsRequest>(f), "golden-kcat", {0}, 1);
   }},
  {"kcat/07_fetch_v11.bin", ApiKey::kFetch, 11, kRdkafka, +[](ByteSpan f) {
     auto b = Body<FetchRequest>(f);
     ExpectFetch(b, "golden-kcat", {0}, 500, 1);
     CHECK(b.rack_id.empty());
   }},
  {"kcat/08_find_coordinator_v2.bin", ApiKey::kFindCoordinator, 2, kRdkafka, +[](ByteSpan f) {
     auto b = Body<FindCoordinatorRequest>(f);
     CHECK(b.key == kKcatGroup);
     CHECK(b.key_type == 0);
   }},
  {"kcat/09_join_group_v5.bin", ApiKey::kJoinGroup, 5, kRdkafka, +[](ByteSpan f) {
     ExpectJoin(Body<JoinGroupRequest>(f), kKcatGroup, 45000, 300000, {"range", "roundrobin"},
                "golden-kcat");
   }},
  {"kcat/10_sync_group_v3.bin", ApiKey::kSyncGroup, 3, kRdkafka, +[](ByteSpan f) {
     ExpectSync(Body<SyncGroupRequest>(f), kKcatGroup, "golden-kcat");
   }},
  {"kcat/11_heartbeat_v3.bin", ApiKey::kHeartbeat, 3, kRdkafka, +[](ByteSpan f) {
     ExpectHeartbeat(Body<HeartbeatRequest>(f), kKcatGroup);
   }},
  {"kcat/12_offset_fetch_v5.bin", ApiKey::kOffsetFetch, 5, kRdkafka, +[](ByteSpan f) {
     ExpectOffsetFetch(Body<OffsetFetchRequest>(f), kKcatGroup, "golden-kcat");
   }},
  {"kcat/13_offset_commit_v7.bin", ApiKey::kOffsetCommit, 7, kRdkafka, +[](ByteSpan f) {
     auto b = Body<OffsetCommitRequest>(f);
     ExpectCommit(b, kKcatGroup, "golden-kcat", {"0:3"});
     CHECK(!b.group_instance_id.has_value());
   }},
  {"kcat/14_leave_group_v1.bin", ApiKey::kLeaveGroup, 1, kRdkafka, +[](ByteSpan f) {
     ExpectLeave(Body<LeaveGroupRequest>(f), kKcatGroup);
   }},
  // Flexible (header v2, compact strings, tag buffers) from a real client.
  {"kcat/15_init_producer_id_v4.bin", ApiKey::kInitProducerId, 4, kRdkafka, +[](ByteSpan f) {
     auto b = Body<InitProducerIdRequest>(f);
     CHECK(!b.transactional_id.has_value());
     CHECK(b.transaction_timeout_ms == -1);
     CHECK(b.producer_id == -1);
     CHECK(b.producer_epoch == -1);
   }},
  {"kcat/16_produce_v7.bin", ApiKey::kProduce, 7, kRdkafka, +[](ByteSpan f) {
     auto p = Body<ProduceRequest>(f);
     CHECK(p.acks == -1);  // idempotence implies acks=all
     auto seen = ProduceRecords(p, f, "golden-kcat", 1);
     CHECK(seen.producer_id >= 0);
     CHECK(seen.base_sequence == 0);
     CHECK(!seen.transactional);
     CHECK(Show(seen.values) == "[kcat-idempotent]");
   }},

  // kafka-python: a producer (its own client id), then a group consumer.
  {"kafka-python/01_api_versions_v0.bin", ApiKey::kApiVersions, 0, kPythonProducer,
   ExpectEmptyBody},
  {"kafka-python/02_metadata_v0.bin", ApiKey::kMetadata, 0, kPythonProducer, +[](ByteSpan f) {
     ExpectTopics(Body<MetadataRequest>(f), {});  // v0: empty means every topic
   }},
  {"kafka-python/03_metadata_v1.bin", ApiKey::kMetadata, 1, kPythonProducer, +[](ByteSpan f) {
     CHECK(!Body<MetadataRequest>(f).topics.has_value());  // v1+: null means every topic
   }},
  {"kafka-python/04_produce_v7.bin", ApiKey::kProduce, 7, kPythonProducer, +[](ByteSpan f) {
     auto p = Body<ProduceRequest>(f);
     CHECK(!p.transactional_id.has_value());
     CHECK(p.acks == 1);
     auto seen = ProduceRecords(p, f, "golden-kafka-python", 0);
     CHECK(seen.batches == 1);
     CHECK(Show(seen.keys) == Show(std::vector<std::string>(3, "python-key")));
     CHECK(Show(seen.values) == Show(Numbered("python-message-", 3)));
   }},
  {"kafka-python/05_metadata_v0.bin", ApiKey::kMetadata, 0, kPython, +[](ByteSpan f) {
     ExpectTopics(Body<MetadataRequest>(f), {});
   }},
  {"kafka-python/06_find_coordinator_v0.bin", ApiKey::kFindCoordinator, 0, kPython,
   +[](ByteSpan f) { CHECK(Body<FindCoordinatorRequest>(f).key == kPythonGroup); }},
  {"kafka-python/07_join_group_v2.bin", ApiKey::kJoinGroup, 2, kPython, +[](ByteSpan f) {
     ExpectJoin(Body<JoinGroupRequest>(f), kPythonGroup, 10000, 300000, {"range", "roundrobin"},
                "golden-kafka-python");
   }},
  {"kafka-python/08_sync_group_v1.bin", ApiKey::kSyncGroup, 1, kPython, +[](ByteSpan f) {
     ExpectSync(Body<SyncGroupRequest>(f), kPythonGroup, "golden-kafka-python");
   }},
  {"kafka-python/09_heartbeat_v1.bin", ApiKey::kHeartbeat, 1, kPython, +[](ByteSpan f) {
     ExpectHeartbeat(Body<HeartbeatRequest>(f), kPythonGroup);
   }},
  {"kafka-python/10_offset_fetch_v1.bin", ApiKey::kOffsetFetch, 1, kPython, +[](ByteSpan f) {
     ExpectOffsetFetch(Body<OffsetFetchRequest>(f), kPythonGroup, "golden-kafka-python");
   }},
  {"kafka-python/11_list_offsets_v1.bin", ApiKey::kListOffsets, 1, kPython, +[](ByteSpan f) {
     ExpectEarliest(Body<ListOffsetsRequest>(f), "golden-kafka-python", {0}, 0);
   }},
  {"kafka-python/12_fetch_v4.bin", ApiKey::kFetch, 4, kPython, +[](ByteSpan f) {
     ExpectFetch(Body<FetchRequest>(f), "golden-kafka-python", {0, 1}, 500, 0);
   }},
  {"kafka-python/13_offset_commit_v2.bin", ApiKey::kOffsetCommit, 2, kPython, +[](ByteSpan f) {
     auto b = Body<OffsetCommitRequest>(f);
     ExpectCommit(b, kPythonGroup, "golden-kafka-python", {"0:3", "1:0"});
     CHECK(b.retention_time_ms == -1);
   }},
  {"kafka-python/14_leave_group_v1.bin", ApiKey::kLeaveGroup, 1, kPython, +[](ByteSpan f) {
     ExpectLeave(Body<LeaveGroupRequest>(f), kPythonGroup);
   }},

  // KafkaJS: a producer, a group consumer, then a transactional producer.
  {"kafkajs/01_api_versions_v2.bin", ApiKey::kApiVersions, 2, kKafkaJs, ExpectEmptyBody},
  {"kafkajs/02_metadata_v2.bin", ApiKey::kMetadata, 2, kKafkaJs, +[](ByteSpan f) {
     ExpectTopics(Body<MetadataRequest>(f), {"golden-kafkajs"});
   }},
  {"kafkajs/03_produce_v7.bin", ApiKey::kProduce, 7, kKafkaJs, +[](ByteSpan f) {
     auto p = Body<ProduceRequest>(f);
     CHECK(!p.transactional_id.has_value());
     CHECK(p.acks == -1);
     auto seen = ProduceRecords(p, f, "golden-kafkajs", 0);
     CHECK(Show(seen.keys) == Show(std::vector<std::string>(3, "kafkajs-key")));
     CHECK(Show(seen.values) == Show(Numbered("kafkajs-message-", 3)));
   }},
  {"kafkajs/04_find_coordinator_v2.bin", ApiKey::kFindCoordinator, 2, kKafkaJs, +[](ByteSpan f) {
     auto b = Body<FindCoordinatorRequest>(f);
     CHECK(b.key == kJsGroup);
     CHECK(b.key_type == 0);
   }},
  {"kafkajs/05_join_group_v5.bin", ApiKey::kJoinGroup, 5, kKafkaJs, +[](ByteSpan f) {
     ExpectJoin(Body<JoinGroupRequest>(f), kJsGroup, 10000, 60000, {"RoundRobinAssigner"},
                "golden-kafkajs");
   }},
  {"kafkajs/06_sync_group_v3.bin", ApiKey::kSyncGroup, 3, kKafkaJs, +[](ByteSpan f) {
     ExpectSync(Body<SyncGroupRequest>(f), kJsGroup, "golden-kafkajs");
   }},
  {"kafkajs/07_offset_fetch_v4.bin", ApiKey::kOffsetFetch, 4, kKafkaJs, +[](ByteSpan f) {
     ExpectOffsetFetch(Body<OffsetFetchRequest>(f), kJsGroup, "golden-kafkajs");
   }},
  {"kafkajs/08_list_offsets_v3.bin", ApiKey::kListOffsets, 3, kKafkaJs, +[](ByteSpan f) {
     ExpectEarliest(Body<ListOffsetsRequest>(f), "golden-kafkajs", {0, 1}, 1);
   }},
  {"kafkajs/09_fetch_v11.bin", ApiKey::kFetch, 11, kKafkaJs, +[](ByteSpan f) {
     // KafkaJS lists the partitions in the order its assignment gave them.
     ExpectFetch(Body<FetchRequest>(f), "golden-kafkajs", {1, 0}, 5000, 1);
   }},
  {"kafkajs/10_heartbeat_v3.bin", ApiKey::kHeartbeat, 3, kKafkaJs, +[](ByteSpan f) {
     ExpectHeartbeat(Body<HeartbeatRequest>(f), kJsGroup);
   }},
  {"kafkajs/11_offset_commit_v5.bin", ApiKey::kOffsetCommit, 5, kKafkaJs, +[](ByteSpan f) {
     auto b = Body<OffsetCommitRequest>(f);
     ExpectCommit(b, kJsGroup, "golden-kafkajs", {"0:3"});
     CHECK(!b.topics[0].partitions[0].committed_metadata.has_value());
   }},
  {"kafkajs/12_leave_group_v1.bin", ApiKey::kLeaveGroup, 1, kKafkaJs, +[](ByteSpan f) {
     ExpectLeave(Body<LeaveGroupRequest>(f), kJsGroup);
   }},
  {"kafkajs/13_find_coordinator_v2.bin", ApiKey::kFindCoordinator, 2, kKafkaJs, +[](ByteSpan f) {
     auto b = Body<FindCoordinatorRequest>(f);
     CHECK(b.key == kJsTxn);
     CHECK(b.key_type == 1);  // transaction coordinator
   }},
  {"kafkajs/14_init_producer_id_v1.bin", ApiKey::kInitProducerId, 1, kKafkaJs, +[](ByteSpan f) {
     auto b = Body<InitProducerIdRequest>(f);
     CHECK(b.transactional_id == kJsTxn);
     CHECK(b.transaction_timeout_ms == 60000);
   }},
  {"kafkajs/15_add_partitions_to_txn_v1.bin", ApiKey::kAddPartitionsToTxn, 1, kKafkaJs,
   +[](ByteSpan f) {
     auto b = Body<AddPartitionsToTxnRequest>(f);
     CHECK(b.v3_and_below_transactional_id == kJsTxn);
     CHECK(b.v3_and_below_producer_id > 0);
     CHECK(b.v3_and_below_producer_epoch == 0);
     REQUIRE(b.v3_and_below_topics.size() == 1);
     CHECK(b.v3_and_below_topics[0].name == "golden-kafkajs");
     ExpectPartitionsOf(b.v3_and_below_topics[0].partitions, {1});
   }},
  {"kafkajs/16_produce_v7.bin", ApiKey::kProduce, 7, kKafkaJs, +[](ByteSpan f) {
     auto p = Body<ProduceRequest>(f);
     CHECK(p.transactional_id == kJsTxn);
     CHECK(p.acks == -1);
     auto seen = ProduceRecords(p, f, "golden-kafkajs", 1);
     CHECK(seen.transactional);
     CHECK(seen.producer_id > 0);
     CHECK(Show(seen.values) == "[kafkajs-transactional]");
   }},
  {"kafkajs/17_end_txn_v1.bin", ApiKey::kEndTxn, 1, kKafkaJs, +[](ByteSpan f) {
     auto b = Body<EndTxnRequest>(f);
     CHECK(b.transactional_id == kJsTxn);
     CHECK(b.committed);
   }},
};
// clang-format on

// Decodes header and body generically (as the broker would, by API key), checks that the body
// is consumed exactly, and returns the re-encoded frame.
Bytes DecodeAndReencode(ByteSpan frame) {
  auto h = DecodeFrameHeader(frame);
  REQUIRE(h.has_value());
  Bytes out;
  const bool known = VisitRequestType(h->header.request_api_key, [&](auto type) {
    typename decltype(type)::type body;
    ByteReader r(frame.subspan(h->body_offset));
    REQUIRE(body.Decode(r, h->header.request_api_version));
    CHECK(r.empty());
    out = EncodeFrame(*h, body);
  });
  REQUIRE(known);
  return out;
}

TEST_CASE("golden frames from real clients decode to the expected fields and re-encode exactly") {
  for (const Golden& g : kGoldens) {
    const std::string file = g.file;
    CAPTURE(file);
    const Bytes frame = ReadFixture(g.file);
    auto h = DecodeFrameHeader(frame);
    REQUIRE(h.has_value());
    CHECK(h->header.request_api_key == static_cast<int16_t>(g.api));
    CHECK(h->header.request_api_version == g.version);
    CHECK(h->header.client_id == g.client_id);
    CHECK(DecodeAndReencode(frame) == frame);
    g.check(frame);
  }
}

TEST_CASE("every golden fixture has an expectation and every expectation a fixture") {
  std::set<std::string> on_disk;
  for (const auto& client : std::filesystem::directory_iterator(kFixtures)) {
    if (!client.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(client.path())) {
      on_disk.insert(client.path().filename().string() + "/" + file.path().filename().string());
    }
  }
  std::set<std::string> expected;
  for (const Golden& g : kGoldens) expected.insert(g.file);
  CHECK(on_disk == expected);
  CHECK(expected.size() >= 40);
}

TEST_CASE("a KafkaJS transaction uses one producer id from AddPartitionsToTxn to EndTxn") {
  const Bytes add = ReadFixture("kafkajs/15_add_partitions_to_txn_v1.bin");
  const Bytes produce = ReadFixture("kafkajs/16_produce_v7.bin");
  const Bytes end = ReadFixture("kafkajs/17_end_txn_v1.bin");
  const int64_t pid = Body<AddPartitionsToTxnRequest>(add).v3_and_below_producer_id;
  auto p = Body<ProduceRequest>(produce);
  CHECK(ProduceRecords(p, produce, "golden-kafkajs", 1).producer_id == pid);
  CHECK(Body<EndTxnRequest>(end).producer_id == pid);
}

TEST_CASE("the same group member id runs through a kcat consumer's group requests") {
  const auto sync = Body<SyncGroupRequest>(ReadFixture("kcat/10_sync_group_v3.bin"));
  const auto beat = Body<HeartbeatRequest>(ReadFixture("kcat/11_heartbeat_v3.bin"));
  const auto commit = Body<OffsetCommitRequest>(ReadFixture("kcat/13_offset_commit_v7.bin"));
  const auto leave = Body<LeaveGroupRequest>(ReadFixture("kcat/14_leave_group_v1.bin"));
  CHECK(beat.member_id == sync.member_id);
  CHECK(commit.member_id == sync.member_id);
  CHECK(leave.member_id == sync.member_id);
  CHECK(beat.generation_id == sync.generation_id);
}

}  // namespace
}  // namespace kpk::broker::protocol
