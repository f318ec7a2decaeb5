// kpk_kafka_load group-consume: a group of consumers reading a topic (see kafka_load.cc).
#include "kafka_load_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace kpk::bench {
namespace {

// ---------------------------------------------------------------------------------------------
// group-consume

// What the members of one pass share. Progress is per partition, not per member, so a partition
// that moves to another member in a rebalance resumes where its last owner stopped.
struct GroupPass {
  explicit GroupPass(int partitions)
      : next(std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(partitions))),
        assigned(0) {}
  std::vector<int64_t> start, high;              // per partition: [start, high) is read
  std::unique_ptr<std::atomic<int64_t>[]> next;  // per partition: next offset not yet counted
  std::atomic<int> complete{0};                  // partitions read up to `high`
  std::atomic<bool> go{false};
  std::atomic<int64_t> first_ns{0}, last_ns{0};
  std::atomic<int64_t> rebalances_after_go{0};
  std::mutex mu;
  std::vector<std::vector<int32_t>> assigned;  // guarded by mu: per member, what it holds now
  std::string protocol;                        // guarded by mu: EAGER or COOPERATIVE
};

struct GroupMember {
  GroupPass* pass = nullptr;
  int index = 0;
  int partitions = 0;
  int64_t records = 0, bytes = 0, duplicates = 0, errors = 0, before_go = 0;
  std::string first_error;
};

// Assigns at the pass's own offsets (never a committed or reset offset), and keeps what it is
// given paused until every member holds its share: the timed part is the stable group reading.
void OnGroupRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* m = static_cast<GroupMember*>(opaque);
  GroupPass& pass = *m->pass;
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
  const bool go = pass.go.load();
  // Counts rebalances that interrupt the reading (not the revocation when a member closes).
  if (go && pass.complete.load() < m->partitions) pass.rebalances_after_go.fetch_add(1);
  if (assign) {
    for (int i = 0; i < parts->cnt; ++i) {
      const int32_t p = parts->elems[i].partition;
      if (p >= 0 && p < m->partitions) parts->elems[i].offset = pass.next[p].load();
    }
  }
  if (cooperative) {
    rd_kafka_error_t* e =
        assign ? rd_kafka_incremental_assign(rk, parts) : rd_kafka_incremental_unassign(rk, parts);
    if (e != nullptr) {
      std::fprintf(stderr, "kpk_kafka_load: member %d: rebalance: %s\n", m->index,
                   rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else {
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, assign ? parts : nullptr);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kpk_kafka_load: member %d: assign: %s\n", m->index,
                   rd_kafka_err2str(e));
    }
  }
  if (assign && !go) rd_kafka_pause_partitions(rk, parts);

  std::lock_guard<std::mutex> lock(pass.mu);
  pass.protocol = cooperative ? "COOPERATIVE" : "EAGER";
  auto& held = pass.assigned[static_cast<size_t>(m->index)];
  if (!cooperative) held.clear();
  for (int i = 0; i < parts->cnt; ++i) {
    const int32_t p = parts->elems[i].partition;
    if (assign) {
      held.push_back(p);
    } else {
      held.erase(std::remove(held.begin(), held.end(), p), held.end());
    }
  }
}

// True when the members together hold every partition exactly once and as many members as can
// hold one do: the group has finished joining.
bool GroupStable(GroupPass& pass, int partitions, int members) {
  std::lock_guard<std::mutex> lock(pass.mu);
  std::vector<int> owners(static_cast<size_t>(partitions), 0);
  int holding = 0;
  for (const auto& held : pass.assigned) {
    if (!held.empty()) ++holding;
    for (int32_t p : held) {
      if (p < 0 || p >= partitions) return false;
      ++owners[static_cast<size_t>(p)];
    }
  }
  return holding == std::min(members, partitions) &&
         std::all_of(owners.begin(), owners.end(), [](int n) { return n == 1; });
}

void RunGroupMember(const Options& o, const std::string& group, GroupMember& m,
                    const Deadline& deadline) {
  GroupPass& pass = *m.pass;
  rd_kafka_conf_t* conf = BaseConf(o);
  Set(conf, "client.id", "kpk_kafka_load-" + std::to_string(m.index));
  Set(conf, "group.id", group);
  Set(conf, "auto.offset.reset", "earliest");
  rd_kafka_conf_set_rebalance_cb(conf, OnGroupRebalance);
  rd_kafka_conf_set_opaque(conf, &m);
  KafkaPtr rk = NewClient(RD_KAFKA_CONSUMER, conf, o);
  rd_kafka_poll_set_consumer(rk.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, o.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) Fail("subscribe failed: %s", rd_kafka_err2str(err));

  bool resumed = false;
  while (pass.complete.load() < o.partitions && !deadline.Passed()) {
    const bool go = pass.go.load();
    if (go && !resumed) {
      rd_kafka_topic_partition_list_t* held = nullptr;
      if (rd_kafka_assignment(rk.get(), &held) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_resume_partitions(rk.get(), held);
        rd_kafka_topic_partition_list_destroy(held);
      }
      resumed = true;
    }
    // A short wait until the start, so every member resumes within a few ms of the others.
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk.get(), go ? 100 : 5);
    if (msg == nullptr) continue;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && m.errors++ == 0) {
        m.first_error = rd_kafka_message_errstr(msg);
      }
    } else if (msg->partition >= 0 && msg->partition < o.partitions) {
      const auto p = static_cast<size_t>(msg->partition);
      if (!go) ++m.before_go;
      int64_t zero = 0;
      if (pass.first_ns.load() == 0) pass.first_ns.compare_exchange_strong(zero, NowNs());
      int64_t expect = pass.next[p].load();
      while (expect <= msg->offset &&
             !pass.next[p].compare_exchange_weak(expect, msg->offset + 1)) {
      }
      if (expect > msg->offset) {
        ++m.duplicates;
      } else {
        ++m.records;
        m.bytes += static_cast<int64_t>(msg->len);
        if (expect < pass.high[p] && msg->offset + 1 >= pass.high[p] &&
            pass.complete.fetch_add(1) + 1 == o.partitions) {
          pass.last_ns.store(NowNs());
        }
      }
    }
    rd_kafka_message_destroy(msg);
  }
  // Untimed: commit and LeaveGroup.
  rd_kafka_consumer_close(rk.get());
}

}  // namespace

// --consumers members of one new group per pass read [start, high) of every partition. The
// members join, and are given partitions that they keep paused, until the group is stable (every
// partition held by exactly one member, every member holding some); then all resume at once.
// Timed: from the first record any member gets to the record that completes the last partition.
// Records are counted once per offset; a re-delivery (after a rebalance) counts as a duplicate.
int GroupConsume(const Options& o) {
  Deadline deadline(o.timeout_s);
  std::vector<int64_t> start(static_cast<size_t>(o.partitions)), high;
  int64_t per_pass = 0;
  {
    AssignedConsumer probe(o, deadline);
    std::vector<int64_t> low;
    probe.Watermarks(low, high, deadline);
    for (size_t p = 0; p < start.size(); ++p) {
      start[p] = o.tail_records > 0 ? std::max(low[p], high[p] - o.tail_records) : low[p];
      per_pass += high[p] - start[p];
    }
  }
  if (per_pass == 0) Fail("nothing to consume in %s", o.topic.c_str());
  if (o.count_given && per_pass != o.count) {
    Fail("%s holds %" PRId64 " records to read, --count says %" PRId64, o.topic.c_str(), per_pass,
         o.count);
  }

  int64_t timed_ns = 0, records = 0, bytes = 0, duplicates = 0, errors = 0, before_go = 0;
  int64_t rebalances = 0;
  std::string first_error, protocol;
  std::vector<int64_t> member_records(static_cast<size_t>(o.consumers), 0);
  std::vector<double> join_ms, pass_ms;
  int passes = 0;
  bool complete = true;
  for (; passes < o.passes && !deadline.Passed(); ++passes) {
    GroupPass pass(o.partitions);
    pass.start = start;
    pass.high = high;
    pass.assigned.resize(static_cast<size_t>(o.consumers));
    for (int p = 0; p < o.partitions; ++p) {
      const auto i = static_cast<size_t>(p);
      pass.next[i].store(start[i]);
      if (start[i] >= high[i]) pass.complete.fetch_add(1);
    }
    const std::string group =
        "kpk-load-" + o.topic + "-" + std::to_string(::getpid()) + "-" + std::to_string(passes);
    std::vector<GroupMember> members(static_cast<size_t>(o.consumers));
    const int64_t subscribe_ns = NowNs();
    std::vector<std::thread> threads;
    for (int i = 0; i < o.consumers; ++i) {
      GroupMember& m = members[static_cast<size_t>(i)];
      m.pass = &pass;
      m.index = i;
      m.partitions = o.partitions;
      threads.emplace_back([&o, &group, &m, &deadline] { RunGroupMember(o, group, m, deadline); });
    }
    while (!deadline.Passed() && !GroupStable(pass, o.partitions, o.consumers)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const bool stable = !deadline.Passed();
    if (stable) {
      join_ms.push_back(static_cast<double>(NowNs() - subscribe_ns) / 1e6);
      pass.go.store(true);
    }
    for (std::thread& t : threads) t.join();
    if (!stable) {
      std::fprintf(stderr, "kpk_kafka_load: pass %d: the group never became stable\n", passes);
    }
    if (pass.complete.load() < o.partitions) complete = false;
    if (pass.last_ns.load() > 0) {
      timed_ns += pass.last_ns.load() - pass.first_ns.load();
      pass_ms.push_back(static_cast<double>(pass.last_ns.load() - pass.first_ns.load()) / 1e6);
    }
    rebalances += pass.rebalances_after_go.load();
    protocol = pass.protocol;
    for (const GroupMember& m : members) {
      records += m.records;
      bytes += m.bytes;
      duplicates += m.duplicates;
      errors += m.errors;
      before_go += m.before_go;
      member_records[static_cast<size_t>(m.index)] += m.records;
      if (first_error.empty()) first_error = m.first_error;
    }
    if (!complete) {
      ++passes;
      break;
    }
  }
  const double seconds = static_cast<double>(timed_ns) / 1e9;
  auto list = [](const std::vector<double>& ms) {
    std::string out;
    char buf[32];
    for (double v : ms) {
      std::snprintf(buf, sizeof buf, "%s%.1f", out.empty() ? "" : ",", v);
      out += buf;
    }
    return out;
  };
  const std::string joins = list(join_ms), timed = list(pass_ms);
  std::string shares;
  for (int64_t n : member_records) shares += (shares.empty() ? "" : ",") + std::to_string(n);
  std::printf(
      "{\"mode\":\"group-consume\",\"consumers\":%d,\"passes\":%d,\"records_per_pass\":%" PRId64
      ",\"records\":%" PRId64 ",\"bytes\":%" PRId64 ",\"duplicates\":%" PRId64
      ",\"errors\":%" PRId64 ",\"before_start\":%" PRId64 ",\"rebalances_after_start\":%" PRId64
      ",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,\"join_ms\":[%s],"
      "\"pass_ms\":[%s],\"member_records\":[%s],\"protocol\":\"%s\",\"complete\":%s,"
      "\"first_error\":\"%s\"}\n",
      o.consumers, passes, per_pass, records, bytes, duplicates, errors, before_go, rebalances,
      seconds, seconds > 0 ? static_cast<double>(records) / seconds : 0.0,
      seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0, joins.c_str(), timed.c_str(),
      shares.c_str(), protocol.c_str(), complete ? "true" : "false", first_error.c_str());
  if (!complete || records < per_pass * o.passes) {
    Fail("timed out: %" PRId64 " of %" PRId64 " consumed", records, per_pass * o.passes);
  }
  return 0;
}

}  // namespace kpk::bench
