// kpk group describe: the group summary and its per-partition offsets and lag.
#include <algorithm>
#include <map>
#include <memory>

#include <fmt/core.h>

#include "cli/client/kafka_groups.h"
#include "cli/commands/group/group.h"
#include "cli/format/name_filter.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {
namespace {

struct DescribeOptions {
  std::vector<std::string> groups;
  bool summary = false;
  bool commits = false;
  bool lag_per_topic = false;
  bool regex = false;
  std::string format;
};

// Everything known about one group.
struct GroupReport {
  std::string name;
  std::optional<client::GroupDescription> description;  // absent if the broker cannot describe
  std::vector<client::LagRow> rows;
  std::string error;

  int64_t TotalLag() const {
    int64_t total = 0;
    for (const auto& r : rows) total += r.lag.value_or(0);
    return total;
  }
};

std::string OrDash(std::optional<int64_t> v) { return v ? std::to_string(*v) : "-"; }

std::string RenderSummary(const GroupReport& g) {
  const auto& d = g.description;
  Table table;
  table.AddRow({"GROUP", g.name});
  table.AddRow({"COORDINATOR", d && d->coordinator >= 0 ? std::to_string(d->coordinator) : "-"});
  table.AddRow({"STATE", d ? d->state : "-"});
  table.AddRow({"BALANCER", d ? d->protocol : "-"});
  table.AddRow({"MEMBERS", d ? std::to_string(d->members.size()) : "-"});
  table.AddRow({"TOTAL-LAG", std::to_string(g.TotalLag())});
  if (!g.error.empty()) table.AddRow({"ERROR", g.error});
  return table.Render();
}

std::string RenderRows(const GroupReport& g) {
  bool instance = false, errors = false;
  for (const auto& r : g.rows) {
    instance |= r.member != nullptr && !r.member->instance_id.empty();
    errors |= !r.error.empty();
  }
  std::vector<std::string> headers = {
      "topic",          "partition", "current-offset", "log-start-offset",
      "log-end-offset", "lag",       "member-id"};
  if (instance) headers.push_back("instance-id");
  headers.insert(headers.end(), {"client-id", "host"});
  if (errors) headers.push_back("error");
  Table table(headers);
  for (const auto& r : g.rows) {
    std::vector<std::string> row = {r.tp.topic,
                                    std::to_string(r.tp.partition),
                                    OrDash(r.committed),
                                    std::to_string(r.log_start),
                                    std::to_string(r.log_end),
                                    OrDash(r.lag),
                                    r.member ? r.member->member_id : ""};
    if (instance) row.push_back(r.member ? r.member->instance_id : "");
    row.push_back(r.member ? r.member->client_id : "");
    row.push_back(r.member ? r.member->host : "");
    if (errors) row.push_back(r.error);
    table.AddRow(std::move(row));
  }
  return table.Render();
}

std::string RenderLagPerTopic(const std::vector<GroupReport>& groups) {
  Table table({"topic", "lag"});
  for (const auto& g : groups) {
    std::map<std::string, int64_t> per_topic;
    for (const auto& r : g.rows) per_topic[r.tp.topic] += r.lag.value_or(0);
    for (const auto& [topic, lag] : per_topic) table.AddRow({topic, std::to_string(lag)});
  }
  return table.Render();
}

Json ReportJson(const GroupReport& g) {
  const auto& d = g.description;
  Json doc = {{"group", g.name},
              {"coordinator", d ? d->coordinator : -1},
              {"state", d ? d->state : ""},
              {"balancer", d ? d->protocol : ""},
              {"members", d ? d->members.size() : 0},
              {"total_lag", g.TotalLag()}};
  if (!g.error.empty()) doc["error"] = g.error;
  Json parts = Json::array();
  for (const auto& r : g.rows) {
    Json p = {{"topic", r.tp.topic},
              {"partition", r.tp.partition},
              {"current_offset", r.committed ? Json(*r.committed) : Json(nullptr)},
              {"log_start_offset", r.log_start},
              {"log_end_offset", r.log_end},
              {"lag", r.lag.value_or(0)},
              {"member_id", r.member ? r.member->member_id : ""},
              {"client_id", r.member ? r.member->client_id : ""},
              {"host", r.member ? r.member->host : ""}};
    if (r.member && !r.member->instance_id.empty()) p["instance_id"] = r.member->instance_id;
    if (!r.error.empty()) p["error"] = r.error;
    parts.push_back(std::move(p));
  }
  doc["partitions"] = std::move(parts);
  return doc;
}

// Gathers descriptions, commits and watermarks. Brokers without DescribeGroups (librdkafka's
// mock cluster) still get the commits and lag, with a warning.
Result<std::vector<GroupReport>> Collect(client::Client& client,
                                         const std::vector<std::string>& names) {
  std::vector<GroupReport> reports;
  auto descriptions = client::DescribeGroups(client, names);
  if (!descriptions) Warn("unable to describe group membership: " + descriptions.error().message());
  std::vector<client::TopicPartition> all_parts;
  std::vector<std::vector<client::PartitionOffset>> commits;
  for (const std::string& name : names) {
    GroupReport report;
    report.name = name;
    if (descriptions) {
      for (auto& d : *descriptions) {
        if (d.result.name != name) continue;
        if (d.result.ok()) {
          report.description = d;
        } else {
          report.error = client::ErrorName(d.result.err) + ": " + d.result.message;
        }
      }
    }
    auto offsets = client::ListGroupOffsets(client, name);
    if (!offsets) return Err(offsets.error());
    commits.push_back(*offsets);
    for (const auto& c : *offsets) all_parts.push_back({c.topic, c.partition});
    if (report.description) {
      for (const auto& m : report.description->members) {
        all_parts.insert(all_parts.end(), m.assignment.begin(), m.assignment.end());
      }
    }
    reports.push_back(std::move(report));
  }
  std::sort(all_parts.begin(), all_parts.end());
  all_parts.erase(std::unique(all_parts.begin(), all_parts.end()), all_parts.end());
  auto marks = client.ListWatermarks(all_parts);
  if (!marks) return Err(marks.error());
  for (size_t i = 0; i < reports.size(); ++i) {
    GroupReport& r = reports[i];
    r.rows = client::ComputeLag(r.description ? &*r.description : nullptr, commits[i], *marks);
  }
  return reports;
}

int RunDescribe(const DescribeOptions& opts, const Context& ctx) {
  if (opts.summary && opts.commits)
    return UsageError("--print-summary and --print-commits are exclusive");
  if (opts.lag_per_topic && opts.commits) {
    return UsageError("--print-lag-per-topic and --print-commits are exclusive");
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  std::vector<std::string> names = opts.groups;
  if (opts.regex) {
    auto listed = client::ListGroups(*client);
    if (!listed) return Fail("list groups", listed.error());
    std::vector<std::string> all;
    for (const auto& g : *listed) all.push_back(g.group);
    auto matched = FilterByRegex(all, opts.groups);
    if (!matched) return UsageError(matched.error().message());
    names = std::move(*matched);
    if (names.empty()) {
      WriteStdout("did not match any groups, exiting.\n");
      return kExitOk;
    }
  }
  auto reports = Collect(*client, names);
  if (!reports) return Fail("describe groups", reports.error());

  OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText) {
    Json docs = Json::array();
    for (const auto& r : *reports) docs.push_back(ReportJson(r));
    PrintStructured(docs, format);
  } else {
    std::string out;
    for (const auto& r : *reports) {
      if (!out.empty()) out += "\n";
      if (!opts.commits) out += RenderSummary(r);
      if (opts.summary || opts.lag_per_topic || r.rows.empty()) continue;
      if (!opts.commits) out += "\n";
      out += RenderRows(r);
    }
    if (opts.lag_per_topic) out += "\n" + RenderLagPerTopic(*reports);
    WriteStdout(out);
  }
  for (const auto& r : *reports) {
    if (!r.error.empty()) return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void RegisterGroupDescribe(CLI::App* group, Context& ctx) {
  auto opts = std::make_shared<DescribeOptions>();
  CLI::App* cmd = group->add_subcommand("describe", "Describe group offset status and lag");
  cmd->add_option("groups", opts->groups, "Groups to describe (expressions with -r)")->required();
  cmd->add_flag("-s,--print-summary", opts->summary, "Print only the group summary section");
  cmd->add_flag("-c,--print-commits", opts->commits, "Print only the group commits section");
  cmd->add_flag("-t,--print-lag-per-topic", opts->lag_per_topic,
                "Print the aggregated lag per topic");
  cmd->add_flag("-r,--regex", opts->regex, "Parse groups as regular expressions");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunDescribe(*opts, ctx); });
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
