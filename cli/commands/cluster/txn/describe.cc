// kpk cluster txn describe [TXN-IDS...]: each transaction's producer id and epoch, state, start
// time, timeout and the partitions in it, as `rpk cluster txn describe`. Each id is asked of its
// coordinator (FindCoordinator, then DescribeTransactions); no ids means every listed one.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include <fmt/core.h>

#include "broker/protocol/generated/describe_transactions_request.h"
#include "broker/protocol/generated/describe_transactions_response.h"
#include "broker/protocol/generated/error_code.h"
#include "broker/protocol/generated/find_coordinator_request.h"
#include "broker/protocol/generated/find_coordinator_response.h"
#include "cli/client/wire_request.h"
#include "cli/commands/cluster/txn/txn.h"
#include "cli/format/duration.h"
#include "cli/format/output.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {
// Named, since the unity build puts several verbs' files into one translation unit.
namespace txn_describe {

using protocol::DescribeTransactionsRequest;
using protocol::DescribeTransactionsResponse;
using protocol::FindCoordinatorRequest;
using protocol::FindCoordinatorResponse;
using Described = DescribeTransactionsResponse::TransactionState;

constexpr int16_t kFindCoordinatorVersion = 3;  // one key per request; Kafka 2.4+
constexpr int16_t kDescribeTransactionsVersion = 0;
constexpr int8_t kTransactionKey = 1;

struct DescribeOptions {
  std::vector<std::string> txn_ids;
  std::string format = "text";
  bool print_partitions = false;
};

struct Coordinator {
  int32_t id = -1;
  std::string host;
  int port = 0;
  auto operator<=>(const Coordinator&) const = default;
};

struct Row {
  int32_t coordinator = -1;
  Described txn;
};

// Errors a coordinator gives while it is being created or loaded (Kafka creates
// __transaction_state on the first FindCoordinator for a transactional id); asked again later.
bool IsTransient(int16_t code) {
  using protocol::ErrorCode;
  return code == protocol::ToInt(ErrorCode::kCoordinatorNotAvailable) ||
         code == protocol::ToInt(ErrorCode::kCoordinatorLoadInProgress) ||
         code == protocol::ToInt(ErrorCode::kNotCoordinator);
}

// One FindCoordinator round over the brokers: the first answer, or the last failure.
Result<FindCoordinatorResponse> AskForCoordinator(client::Client& client,
                                                  const std::vector<client::BrokerInfo>& brokers,
                                                  const FindCoordinatorRequest& request) {
  Status last = Status::Unavailable("no broker answered");
  for (const client::BrokerInfo& b : brokers) {
    auto response = WireCall<FindCoordinatorRequest, FindCoordinatorResponse>(
        client.config(), b.host, b.port, request, kFindCoordinatorVersion, client.timeout());
    if (response) return response;
    last = response.error();
  }
  return Err(last);
}

// The broker that coordinates `txn_id`, or the reason it could not be found. Transient
// coordinator errors are retried until the command timeout.
Result<Coordinator> FindTxnCoordinator(client::Client& client,
                                       const std::vector<client::BrokerInfo>& brokers,
                                       const std::string& txn_id) {
  FindCoordinatorRequest request;
  request.key = txn_id;
  request.key_type = kTransactionKey;
  const auto deadline = std::chrono::steady_clock::now() + client.timeout();
  auto pause = std::chrono::milliseconds(50);
  for (;;) {
    auto response = AskForCoordinator(client, brokers, request);
    if (!response) return Err(response.error());
    if (response->error_code == 0) {
      return Coordinator{response->node_id, response->host, response->port};
    }
    if (!IsTransient(response->error_code) || std::chrono::steady_clock::now() + pause > deadline) {
      return Err(Status::Unavailable(txn::ErrorText(response->error_code)));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

// Describes the ids at their coordinators; failures are reported on stderr and counted.
// One pass: finds each id's coordinator and describes the ids there. Ids whose coordinator
// answered with a transient error are returned in `retry`; other failures are reported.
void DescribeOnce(client::Client& client, const std::vector<client::BrokerInfo>& brokers,
                  const std::vector<std::string>& ids, bool last_pass, std::vector<Row>& rows,
                  std::vector<std::string>& retry, int& failed) {
  std::map<Coordinator, std::vector<std::string>> by_coordinator;
  for (const std::string& id : ids) {
    auto c = FindTxnCoordinator(client, brokers, id);
    if (!c) {
      WriteStderr(fmt::format("unable to find the coordinator of transactional id {}: {}",
                              Quote(id), c.error().message()));
      ++failed;
      continue;
    }
    by_coordinator[*c].push_back(id);
  }
  for (const auto& [c, wanted] : by_coordinator) {
    DescribeTransactionsRequest request;
    request.transactional_ids = wanted;
    auto response = WireCall<DescribeTransactionsRequest, DescribeTransactionsResponse>(
        client.config(), c.host, c.port, request, kDescribeTransactionsVersion, client.timeout());
    if (!response) {
      WriteStderr(fmt::format("DescribeTransactions on broker {} failed: {}", c.id,
                              response.error().message()));
      ++failed;
      continue;
    }
    for (auto& t : response->transaction_states) {
      if (t.error_code != 0 && IsTransient(t.error_code) && !last_pass) {
        retry.push_back(t.transactional_id);
      } else if (t.error_code != 0) {
        WriteStderr(fmt::format("unable to describe transactional id {}: {}",
                                Quote(t.transactional_id), txn::ErrorText(t.error_code)));
        ++failed;
      } else {
        rows.push_back({c.id, std::move(t)});
      }
    }
  }
}

// Describes the ids at their coordinators, asking again (until the command timeout) for ids
// whose coordinator moved or is still loading; failures are reported on stderr and counted.
Result<std::vector<Row>> Describe(client::Client& client, const std::vector<std::string>& ids,
                                  int& failed) {
  auto md = client.Metadata(/*topics_too=*/false);
  if (!md) return Err(md.error());
  std::vector<Row> rows;
  std::vector<std::string> pending = ids;
  const auto deadline = std::chrono::steady_clock::now() + client.timeout();
  auto pause = std::chrono::milliseconds(50);
  while (!pending.empty()) {
    bool last_pass = std::chrono::steady_clock::now() + pause > deadline;
    std::vector<std::string> retry;
    DescribeOnce(client, md->brokers, pending, last_pass, rows, retry, failed);
    pending = std::move(retry);
    if (!pending.empty()) std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.txn.transactional_id < b.txn.transactional_id;
  });
  for (Row& r : rows) {
    std::sort(r.txn.topics.begin(), r.txn.topics.end(),
              [](const auto& a, const auto& b) { return a.topic < b.topic; });
    for (auto& t : r.txn.topics) std::sort(t.partitions.begin(), t.partitions.end());
  }
  return rows;
}

std::vector<std::string> CommonCells(const Row& r) {
  const Described& t = r.txn;
  return {std::to_string(r.coordinator),
          t.transactional_id,
          std::to_string(t.producer_id),
          std::to_string(t.producer_epoch),
          t.transaction_state,
          txn::Timestamp(t.transaction_start_time_ms),
          FormatDuration(std::chrono::milliseconds(t.transaction_timeout_ms))};
}

// "foo,bar", or with partitions "foo[0;1],bar[2]".
std::string TopicsCell(const Described& t, bool with_partitions) {
  std::vector<std::string> parts;
  for (const auto& topic : t.topics) {
    std::string cell = topic.topic;
    if (with_partitions) {
      std::vector<std::string> ps;
      for (int32_t p : topic.partitions) ps.push_back(std::to_string(p));
      cell += "[" + Join(ps, ";") + "]";
    }
    parts.push_back(std::move(cell));
  }
  return Join(parts, ",");
}

const std::vector<std::string> kHeaders = {
    "coordinator", "transactional-id", "producer-id", "producer-epoch",
    "state",       "start-timestamp",  "timeout"};

// short: one line per transaction; long: one line per topic, or per partition with -p.
std::string RenderText(const std::vector<Row>& rows, bool is_long, bool with_partitions) {
  std::vector<std::string> headers = kHeaders;
  if (!is_long) {
    headers.push_back("topics");
  } else {
    headers.push_back("topic");
    if (with_partitions) headers.push_back("partition");
  }
  Table table(headers);
  for (const Row& r : rows) {
    if (!is_long) {
      auto cells = CommonCells(r);
      cells.push_back(TopicsCell(r.txn, with_partitions));
      table.AddRow(cells);
      continue;
    }
    for (const auto& topic : r.txn.topics) {
      if (!with_partitions) {
        auto cells = CommonCells(r);
        cells.push_back(topic.topic);
        table.AddRow(cells);
        continue;
      }
      for (int32_t p : topic.partitions) {
        auto cells = CommonCells(r);
        cells.push_back(topic.topic);
        cells.push_back(std::to_string(p));
        table.AddRow(cells);
      }
    }
  }
  return table.Render();
}

// rpk's shape: one object per partition in a transaction (transactions without partitions
// are not listed), the start time as a string of milliseconds, and `timeout` as rpk prints it
// (the number of milliseconds).
Json ToJson(const std::vector<Row>& rows) {
  Json doc = Json::array();
  for (const Row& r : rows) {
    const Described& t = r.txn;
    for (const auto& topic : t.topics) {
      for (int32_t p : topic.partitions) {
        doc.push_back({{"coordinator_id", r.coordinator},
                       {"transaction_id", t.transactional_id},
                       {"producer_id", t.producer_id},
                       {"producer_epoch", t.producer_epoch},
                       {"state", t.transaction_state},
                       {"start_timestamp", std::to_string(t.transaction_start_time_ms)},
                       {"timeout", t.transaction_timeout_ms},
                       {"topic", topic.topic},
                       {"partition", p}});
      }
    }
  }
  return doc;
}

int RunDescribe(const DescribeOptions& opts, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  int failed = 0;
  std::vector<std::string> ids = opts.txn_ids;
  if (ids.empty()) {
    auto listed = txn::ListAll(*client, failed);
    if (!listed) return Fail("list transactions", listed.error());
    for (const txn::Listed& t : *listed) ids.push_back(t.txn_id);
  }
  auto rows = ids.empty() ? Result<std::vector<Row>>() : Describe(*client, ids, failed);
  if (!rows) return Fail("describe transactions", rows.error());
  if (opts.format == "json" || opts.format == "yaml") {
    PrintStructured(ToJson(*rows), FormatOf(opts.format));
  } else {
    bool is_long = opts.format == "long" || opts.format == "wide";
    WriteStdout(RenderText(*rows, is_long, opts.print_partitions));
  }
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace txn_describe
}  // namespace

void RegisterClusterTxnDescribe(CLI::App* txn, Context& ctx) {
  CLI::App* describe = txn->add_subcommand("describe", "Describe transactional IDs");
  describe->footer(
      "Without transactional ids, every transactional id in the cluster is described.\n"
      "--format short prints one line per transaction; long one line per topic (per\n"
      "partition with --print-partitions).");
  auto opts = std::make_shared<txn_describe::DescribeOptions>();
  describe->add_option("txn-ids", opts->txn_ids, "Transactional ids to describe");
  describe
      ->add_option("--format", opts->format, "Output format: short (text), long (wide), json, yaml")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "short", "long", "wide", "json", "yaml"}));
  describe->add_flag("-p,--print-partitions", opts->print_partitions,
                     "Include per-topic partitions that are in the transaction");
  OnRun(describe, ctx, [opts, &ctx] { return txn_describe::RunDescribe(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
