#include "cli/client/kafka_client.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "broker/protocol/generated/error_code.h"
#include "cli/client/auth_relay.h"
#include "cli/client/scram.h"
#include "cli/format/text.h"
#include "common/log.h"

namespace kpk::cli {
inline namespace client {
namespace {

using Clock = std::chrono::steady_clock;

// Errors after which retrying cannot help: wrong credentials, TLS problems, bad config.
bool IsFatalConnectError(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__FATAL:
      return true;
    default:
      return false;
  }
}

void OnLog(const rd_kafka_t*, int level, const char* facility, const char* message) {
  Debug("librdkafka {} {}: {}", level, facility, message);
}

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

ClusterMetadata Convert(const rd_kafka_metadata_t& md) {
  ClusterMetadata out;
  for (int i = 0; i < md.broker_cnt; ++i) {
    out.brokers.push_back({md.brokers[i].id, md.brokers[i].host, md.brokers[i].port});
  }
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const BrokerInfo& a, const BrokerInfo& b) { return a.id < b.id; });
  for (int t = 0; t < md.topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& mt = md.topics[t];
    TopicInfo topic;
    topic.name = mt.topic;
    topic.err = mt.err;
    topic.internal = IsInternalTopic(topic.name);
    for (int p = 0; p < mt.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& mp = mt.partitions[p];
      PartitionInfo part;
      part.id = mp.id;
      part.leader = mp.leader;
      part.err = mp.err;
      part.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
      part.isrs.assign(mp.isrs, mp.isrs + mp.isr_cnt);
      std::sort(part.replicas.begin(), part.replicas.end());
      std::sort(part.isrs.begin(), part.isrs.end());
      topic.partitions.push_back(std::move(part));
    }
    std::sort(topic.partitions.begin(), topic.partitions.end(),
              [](const PartitionInfo& a, const PartitionInfo& b) { return a.id < b.id; });
    out.topics.push_back(std::move(topic));
  }
  std::sort(out.topics.begin(), out.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return out;
}

// kpk offers PLAIN and SCRAM only, which librdkafka implements itself. Its global init still
// starts Cyrus SASL, which dlopens every Cyrus plugin on the machine: about 2.5 ms of each
// command's run for code kpk never calls. Pointing Cyrus at no plugins skips that, unless the
// user chose a plugin path.
void SkipCyrusSaslPlugins() { setenv("SASL_PATH", "/nonexistent/kpk-uses-no-cyrus-plugins", 0); }

std::atomic<bool> leave_idle_handles{false};

// SCRAM goes through kpk's relay: librdkafka 2.0.2's SCRAM is refused by Kafka 4.x.
bool UsesAuthRelay(const ConnectionConfig& cfg) {
  return ScramHashOf(cfg.sasl.mechanism).has_value();
}

// Nothing would be lost by not destroying the handle: no message waits for delivery, and a
// consumer is closed or was never in a group's membership.
bool IsIdle(rd_kafka_t* rk) {
  if (rd_kafka_outq_len(rk) != 0) return false;
  if (rd_kafka_type(rk) != RD_KAFKA_CONSUMER || rd_kafka_consumer_closed(rk)) return true;
  rd_kafka_topic_partition_list_t* subscription = nullptr;
  if (rd_kafka_subscription(rk, &subscription) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  PartitionListPtr owned(subscription);
  return subscription->cnt == 0;
}

// Errors a partition answers while its leader changes; worth asking again shortly.
bool IsLeadershipInFlux(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Client-level errors reported by librdkafka's error callback, read by the waiting thread; and
// the SCRAM relay, when the client uses one.
struct Client::State {
  mutable std::mutex mu;
  rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string last_reason;
  // The latest reason that says why a connection failed. librdkafka follows such an error
  // (an untrusted certificate, a refused login, a TLS port spoken to in plaintext) with
  // "N/N brokers are down", which says nothing about why; this keeps the why.
  std::string cause;
  bool all_brokers_down = false;
  bool fatal = false;
  void* callback_state = nullptr;
  std::unique_ptr<AuthRelay> relay;  // SCRAM only: see auth_relay.h

  static void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* state = static_cast<State*>(opaque);
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    Debug("client error {}: {}", rd_kafka_err2name(code), reason);
    std::lock_guard lock(state->mu);
    state->last_err = code;
    state->last_reason = reason;
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__RESOLVE) {
      state->all_brokers_down = true;
    }
    if (code != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) state->cause = reason;
    if (IsFatalConnectError(code)) state->fatal = true;
  }

  static int OnConnect(int sockfd, const sockaddr* addr, int addrlen, const char* id,
                       void* opaque) {
    return static_cast<State*>(opaque)->relay->Connect(sockfd, addr, addrlen, id);
  }

  // Why connections fail, the relay's word first: with the relay, librdkafka only sees a
  // closed connection. `fatal` is set when retrying cannot help. Empty if nothing failed.
  std::string FailureCause(bool* fatal_out) const {
    if (relay) {
      if (std::optional<ConnectFailure> failure = relay->LastFailure()) {
        *fatal_out = failure->fatal;
        return failure->status.message();
      }
    }
    std::lock_guard lock(mu);
    *fatal_out = fatal;
    return cause.empty() ? last_reason : cause;
  }
};

PartitionListPtr NewPartitionList(int size_hint) {
  return PartitionListPtr(rd_kafka_topic_partition_list_new(size_hint));
}

std::string ErrorText(rd_kafka_resp_err_t err) {
  // librdkafka's broker errors are Kafka's codes; its own are below zero.
  if (err > 0 && err <= INT16_MAX) {
    auto code = static_cast<kpk::broker::protocol::ErrorCode>(err);
    std::string_view name = kpk::broker::protocol::ErrorCodeName(code);
    if (name != "UNKNOWN")
      return fmt::format("{}: {}", name, kpk::broker::protocol::ErrorCodeMessage(code));
  }
  return rd_kafka_err2str(err);
}

std::string ErrorName(rd_kafka_resp_err_t err) { return rd_kafka_err2name(err); }

int TopicInfo::ReplicationFactor() const {
  return partitions.empty() ? 0 : static_cast<int>(partitions.front().replicas.size());
}

const TopicInfo* ClusterMetadata::FindTopic(std::string_view name) const {
  for (const TopicInfo& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

bool IsInternalTopic(std::string_view name) {
  return name.starts_with("__") || name == "_schemas" || name == "_redpanda_e2e_probe";
}

Result<Client> Client::Open(const ConnectionConfig& cfg, const ClientOptions& options) {
  SkipCyrusSaslPlugins();
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  auto state = std::make_unique<State>();
  state->callback_state = options.callback_state;
  KafkaProperties props;
  if (UsesAuthRelay(cfg)) {
    // librdkafka speaks plaintext to the relay, which does TLS and SCRAM (auth_relay.h).
    Result<std::unique_ptr<AuthRelay>> relay = AuthRelay::Start(cfg);
    if (!relay) return Err(relay.error());
    state->relay = std::move(*relay);
    ConnectionConfig plain = cfg;
    plain.kafka_tls = {};
    plain.sasl = {};
    props = KafkaPropertiesFor(plain);
    rd_kafka_conf_set_connect_cb(conf.get(), &State::OnConnect);
  } else {
    props = KafkaPropertiesFor(cfg);
  }
  if (Verbose()) {
    props.emplace_back("log_level", "7");
    props.emplace_back("debug", "generic,broker,metadata,admin,cgrp,topic");
  }
  for (const auto& entry : options.extra) props.push_back(entry);
  for (const auto& [key, value] : props) {
    Debug("librdkafka property {}={}", key, key == "sasl.password" ? "(hidden)" : value);
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      return Err(Status::InvalidArgument(errstr));
    }
  }
  rd_kafka_conf_set_log_cb(conf.get(), OnLog);
  rd_kafka_conf_set_error_cb(conf.get(), &State::OnError);
  rd_kafka_conf_set_opaque(conf.get(), state.get());
  if (options.customize) options.customize(conf.get());

  rd_kafka_type_t type =
      options.kind == ClientKind::kConsumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) return Err(Status::InvalidArgument(errstr));
  conf.release();  // owned by the handle now
  return Client(HandlePtr(rk), std::move(state), cfg);
}

Client::Client(HandlePtr handle, std::unique_ptr<State> state, const ConnectionConfig& cfg)
    : state_(std::move(state)), handle_(std::move(handle)), config_(cfg) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() {
  // Verbose runs destroy the handle, so that its teardown shows in the debug log. A relay's
  // threads are stopped rather than left running into the process's exit and OpenSSL's
  // cleanup.
  if (handle_ && leave_idle_handles && !Verbose() && !state_->relay && IsIdle(handle_.get())) {
    (void)handle_.release();  // librdkafka's threads may still read the opaque: keep it too
    (void)state_.release();
  }
}

void LeaveIdleHandlesToProcessExit() { leave_idle_handles = true; }

void* Client::CallbackState(rd_kafka_t* rk) {
  return static_cast<State*>(rd_kafka_opaque(rk))->callback_state;
}

void Client::Poll(int timeout_ms) { rd_kafka_poll(handle_.get(), timeout_ms); }

std::string Client::LastError() const {
  bool fatal = false;
  return state_->FailureCause(&fatal);
}

Result<ClusterMetadata> Client::Metadata(bool topics_too) {
  auto start = Clock::now();
  auto deadline = start + config_.command_timeout;
  while (true) {
    int slice = std::min(250, std::max(1, MillisLeft(deadline)));
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(handle_.get(), topics_too ? 1 : 0, nullptr, &raw, slice);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      MetadataPtr md(raw);
      ClusterMetadata out = Convert(*md);
      char* id = rd_kafka_clusterid(handle_.get(), 0);
      if (id != nullptr) {
        out.cluster_id = id;
        rd_kafka_mem_free(handle_.get(), id);
      }
      out.controller_id = rd_kafka_controllerid(handle_.get(), 0);
      connected_ = true;
      return out;
    }
    if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && err != RD_KAFKA_RESP_ERR__TRANSPORT) {
      return Err(Status::IOError(ErrorText(err)));
    }
    rd_kafka_poll(handle_.get(), 0);  // serves the error callback
    bool fatal = false;
    std::string cause = state_->FailureCause(&fatal);
    if (fatal) return Err(Status::Unavailable(cause));
    bool all_brokers_down = false;
    {
      std::lock_guard lock(state_->mu);
      all_brokers_down = state_->all_brokers_down;
    }
    bool dial_expired = Clock::now() - start >= config_.dial_timeout;
    if (all_brokers_down && dial_expired) {
      return Err(Status::Unavailable(fmt::format("no broker reachable at {} within {} ms: {}",
                                                 Join(config_.brokers, ","),
                                                 config_.dial_timeout.count(), cause)));
    }
    if (Clock::now() >= deadline) {
      return Err(Status::TimedOut(fmt::format("no metadata from {} within {} ms",
                                              Join(config_.brokers, ","),
                                              config_.command_timeout.count())));
    }
  }
}

Status Client::EnsureConnected() {
  if (connected_) return Status::OK();
  Result<ClusterMetadata> md = Metadata(false);
  return md ? Status::OK() : md.error();
}

Result<std::vector<PartitionOffset>> Client::ListOffsets(
    const std::vector<TopicPartition>& partitions, int64_t timestamp) {
  std::vector<PartitionOffset> out;
  if (partitions.empty()) return out;
  if (Status s = EnsureConnected(); !s.ok()) return Err(s);
  PartitionListPtr list;
  // A partition whose leadership is in flux (just created or added, or its leader stopped)
  // answers NOT_LEADER and the like for a moment on a multi-broker Kafka; librdkafka 2.0 does
  // not retry those in offsets_for_times. Retried with fresh metadata, within the command
  // timeout, as rpk's client does.
  constexpr int kMaxAttempts = 40;
  const auto deadline = Clock::now() + config_.command_timeout;
  for (int attempt = 1;; ++attempt) {
    list = NewPartitionList(static_cast<int>(partitions.size()));
    for (const TopicPartition& tp : partitions) {
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
          timestamp;
    }
    rd_kafka_resp_err_t err =
        rd_kafka_offsets_for_times(handle_.get(), list.get(), std::max(1, MillisLeft(deadline)));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (!IsLeadershipInFlux(err) || attempt == kMaxAttempts || MillisLeft(deadline) < 300) {
      return Err(Status::IOError(ErrorText(err)));
    }
    Debug("list offsets: {} (attempt {}), retrying with fresh metadata", ErrorName(err), attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 * attempt, 250)));
    const rd_kafka_metadata_t* raw = nullptr;
    if (rd_kafka_metadata(handle_.get(), 1, nullptr, &raw, std::max(1, MillisLeft(deadline))) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(raw);  // the answer refreshes librdkafka's leader cache
    }
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    out.push_back({p.topic, p.partition, p.offset, p.err});
  }
  return out;
}

Result<std::map<TopicPartition, Watermarks>> Client::ListWatermarks(
    const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, Watermarks> out;
  auto starts = ListOffsets(partitions, kEarliestOffset);
  if (!starts) return Err(starts.error());
  auto ends = ListOffsets(partitions, kLatestOffset);
  if (!ends) return Err(ends.error());
  for (const PartitionOffset& p : *starts) {
    Watermarks& w = out[{p.topic, p.partition}];
    w.start = p.offset;
    w.err = p.err;
  }
  for (const PartitionOffset& p : *ends) {
    Watermarks& w = out[{p.topic, p.partition}];
    w.end = p.offset;
    if (!w.err) w.err = p.err;
  }
  return out;
}

}  // namespace client
}  // namespace kpk::cli
