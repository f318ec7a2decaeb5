// kpk cluster brokers list: the brokers the Admin API reports (GET /v1/brokers), with rpk's
// columns; `kpk redpanda admin brokers list` prints the same data with old rpk's columns.
#include <map>
#include <string>

#include <fmt/core.h>

#include "cli/commands/cluster/cluster.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

// "v24.3.1 - 1a2b3c" -> "v24.3.1"; rpk prints "-" for an unknown version.
std::string ShortVersion(const Json& broker) {
  std::string v = broker.value("version", "");
  if (size_t cut = v.find(" - "); cut != std::string::npos) v.resize(cut);
  return v.empty() || v == "0.0.0" ? "-" : v;
}

std::string Text(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

std::string Field(const Json& broker, const char* name) {
  return broker.contains(name) ? Text(broker[name]) : "-";
}

// Node id -> UUID from /v1/broker_uuids; empty when the cluster does not expose them.
std::map<int64_t, std::string> BrokerUuids(const AdminClient& admin) {
  std::map<int64_t, std::string> uuids;
  Result<Json> doc = admin.GetJson("/v1/broker_uuids");
  if (!doc || !doc->is_array()) return uuids;
  for (const Json& entry : *doc) {
    if (entry.contains("node_id") && entry.contains("uuid")) {
      uuids[entry["node_id"].get<int64_t>()] = Text(entry["uuid"]);
    }
  }
  return uuids;
}

std::string BrokersTable(const Json& brokers, const std::map<int64_t, std::string>& uuids) {
  std::vector<std::string> headers = {"ID",    "HOST",       "PORT",     "RACK",
                                      "CORES", "MEMBERSHIP", "IS-ALIVE", "VERSION"};
  if (!uuids.empty()) headers.push_back("UUID");
  Table table(headers);
  for (const Json& b : brokers) {
    std::vector<std::string> row = {Field(b, "node_id"),           Field(b, "internal_rpc_address"),
                                    Field(b, "internal_rpc_port"), Field(b, "rack"),
                                    Field(b, "num_cores"),         Field(b, "membership_status"),
                                    Field(b, "is_alive"),          ShortVersion(b)};
    if (!uuids.empty()) {
      auto it = uuids.find(b.value("node_id", int64_t{-1}));
      row.push_back(it == uuids.end() ? "-" : it->second);
    }
    table.AddRow(std::move(row));
  }
  return table.Render();
}

// Old rpk's `redpanda admin brokers list` columns.
std::string LegacyBrokersTable(const Json& brokers) {
  Table table({"NODE-ID", "NUM-CORES", "MEMBERSHIP-STATUS", "IS-ALIVE", "BROKER-VERSION"});
  for (const Json& b : brokers) {
    table.AddRow({Field(b, "node_id"), Field(b, "num_cores"), Field(b, "membership_status"),
                  Field(b, "is_alive"), ShortVersion(b)});
  }
  return table.Render();
}

}  // namespace

int RunBrokersList(const Context& ctx, BrokersColumns columns, const std::string& format_flag) {
  std::optional<AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return kExitFailure;
  Result<Json> brokers = admin->GetJson("/v1/brokers");
  if (!brokers) return Fail("request brokers", brokers.error());
  if (!brokers->is_array()) return Fail("request brokers", "the answer is not a list");
  OutputFormat format = FormatOf(format_flag);
  if (format != OutputFormat::kText) {
    PrintStructured(*brokers, format);
    return kExitOk;
  }
  WriteStdout(columns == BrokersColumns::kLegacy ? LegacyBrokersTable(*brokers)
                                                 : BrokersTable(*brokers, BrokerUuids(*admin)));
  return kExitOk;
}

void RegisterClusterBrokersList(CLI::App* brokers, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* list = brokers->add_subcommand("list", "List the brokers in your cluster");
  list->alias("ls");
  AddFormatFlag(list, format.get());
  OnRun(list, ctx, [&ctx, format] { return RunBrokersList(ctx, BrokersColumns::kRpk, *format); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
