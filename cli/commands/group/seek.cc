// kpk group seek: moves a group's committed offsets to the start, the end, a timestamp,
// another group's commits, or offsets from a file; prints TOPIC PARTITION PRIOR-OFFSET
// CURRENT-OFFSET. The group must have no active members.
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/core.h>

#include "cli/client/kafka_groups.h"
#include "cli/commands/group/group.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {
namespace {

struct SeekOptions {
  std::string group;
  std::string to;
  std::string to_group;
  std::string to_file;
  std::vector<std::string> topics;
  bool allow_new_topics = false;
  std::string format;
};

// "start" / "end" / unix seconds (10 digits), milliseconds (13) or nanoseconds (19).
Result<int64_t> SeekTarget(const std::string& to) {
  if (to == "start") return client::kEarliestOffset;
  if (to == "end") return client::kLatestOffset;
  std::optional<int64_t> n = ParseInt(to);
  if (!n || *n < 0) return Err(Status::InvalidArgument("invalid --to " + Quote(to)));
  switch (to.size()) {
    case 10:
      return *n * 1000;
    case 13:
      return *n;
    case 19:
      return *n / 1000000;
    default:
      return Err(Status::InvalidArgument("invalid --to " + Quote(to) +
                                         ": use start, end or a unix timestamp in s, ms or ns"));
  }
}

// Lines of "topic partition offset" (spaces or tabs).
Result<std::vector<client::PartitionOffset>> ReadOffsetsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err(Status::FromErrno(errno, path));
  std::vector<client::PartitionOffset> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (Trim(line).empty()) continue;
    std::istringstream fields(line);
    client::PartitionOffset p;
    std::string extra;
    if (!(fields >> p.topic >> p.partition >> p.offset) || (fields >> extra) || p.offset < 0) {
      return Err(Status::InvalidArgument(
          fmt::format("{}:{}: expected \"topic partition offset\", got {}", path, n, Quote(line))));
    }
    out.push_back(p);
  }
  return out;
}

// The partitions to move: the named topics' partitions, or those the group committed to.
Result<std::vector<client::TopicPartition>> SeekPartitions(
    client::Client& client, const SeekOptions& opts,
    const std::vector<client::PartitionOffset>& prior) {
  std::vector<client::TopicPartition> parts;
  if (opts.topics.empty()) {
    for (const auto& p : prior) parts.push_back({p.topic, p.partition});
    return parts;
  }
  auto md = client.Metadata();
  if (!md) return Err(md.error());
  for (const std::string& topic : opts.topics) {
    const client::TopicInfo* t = md->FindTopic(topic);
    if (t == nullptr) return Err(Status::NotFound("topic " + Quote(topic) + " does not exist"));
    bool committed = std::any_of(prior.begin(), prior.end(), [&](const client::PartitionOffset& p) {
      return p.topic == topic;
    });
    if (!committed && !opts.allow_new_topics) {
      return Err(Status::InvalidArgument("group has no commits for topic " + Quote(topic) +
                                         "; pass --allow-new-topics to seek it anyway"));
    }
    for (const auto& p : t->partitions) parts.push_back({topic, p.id});
  }
  return parts;
}

Result<std::vector<client::PartitionOffset>> TargetOffsets(
    client::Client& client, const SeekOptions& opts,
    const std::vector<client::PartitionOffset>& prior) {
  auto in_topics = [&](const std::string& t) {
    return opts.topics.empty() ||
           std::find(opts.topics.begin(), opts.topics.end(), t) != opts.topics.end();
  };
  std::vector<client::PartitionOffset> targets;
  if (!opts.to_file.empty() || !opts.to_group.empty()) {
    auto source = !opts.to_file.empty() ? ReadOffsetsFile(opts.to_file)
                                        : client::ListGroupOffsets(client, opts.to_group);
    if (!source) return Err(source.error());
    for (const auto& p : *source) {
      if (in_topics(p.topic)) targets.push_back(p);
    }
    return targets;
  }
  auto at = SeekTarget(opts.to);
  if (!at) return Err(at.error());
  auto parts = SeekPartitions(client, opts, prior);
  if (!parts) return Err(parts.error());
  auto listed = client.ListOffsets(*parts, *at);
  if (!listed) return Err(listed.error());
  auto ends = *at >= 0 ? client.ListOffsets(*parts, client::kLatestOffset) : listed;
  if (!ends) return Err(ends.error());
  for (size_t i = 0; i < listed->size(); ++i) {
    client::PartitionOffset p = (*listed)[i];
    if (p.err)
      return Err(Status::IOError(fmt::format("unable to list offsets for {}/{}: {}", p.topic,
                                             p.partition, client::ErrorName(p.err))));
    if (p.offset < 0) p.offset = (*ends)[i].offset;  // no record at or after the time: the end
    targets.push_back(p);
  }
  return targets;
}

// A partition's commit error as rpk prints it. Kafka refuses a commit from outside a group that
// has members with UNKNOWN_MEMBER_ID, which rpk rewords because it reads as a client bug.
std::string CommitErrorText(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID) {
    return "INVALID_OPERATION: seeking a non-empty group is not allowed.";
  }
  return client::ErrorText(err);
}

int RunSeek(const SeekOptions& opts, const Context& ctx) {
  int sources = !opts.to.empty() + !opts.to_group.empty() + !opts.to_file.empty();
  if (sources != 1) return UsageError("exactly one of --to, --to-group and --to-file is required");
  if (!opts.to.empty()) {
    if (auto at = SeekTarget(opts.to); !at) return UsageError(at.error().message());
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto prior = client::ListGroupOffsets(*client, opts.group);
  if (!prior) return Fail("list group offsets", prior.error());
  auto targets = TargetOffsets(*client, opts, *prior);
  if (!targets) return Fail("seek group " + Quote(opts.group), targets.error());
  if (targets->empty()) {
    WriteStderr("nothing to seek: the group has no commits for these topics");
    return kExitOk;
  }
  auto result = client::AlterGroupOffsets(*client, opts.group, *targets);
  if (!result) return Fail("seek group " + Quote(opts.group), result.error());

  std::map<client::TopicPartition, int64_t> before;
  for (const auto& p : *prior) before[{p.topic, p.partition}] = p.offset;
  bool errors = std::any_of(result->begin(), result->end(), [](const auto& p) { return p.err; });
  OutputFormat format = FormatOf(opts.format);
  Json docs = Json::array();
  std::vector<std::string> headers = {"topic", "partition", "prior-offset", "current-offset"};
  if (errors) headers.push_back("error");
  Table table(headers);
  for (const auto& p : *result) {
    auto it = before.find({p.topic, p.partition});
    int64_t prior_offset = it == before.end() ? -1 : it->second;
    std::vector<std::string> row = {p.topic, std::to_string(p.partition),
                                    prior_offset < 0 ? "-" : std::to_string(prior_offset),
                                    std::to_string(p.offset)};
    if (errors) row.push_back(p.err ? CommitErrorText(p.err) : "");
    table.AddRow(std::move(row));
    Json doc = {{"topic", p.topic},
                {"partition", p.partition},
                {"prior_offset", prior_offset},
                {"current_offset", p.offset}};
    if (p.err) doc["error"] = CommitErrorText(p.err);
    docs.push_back(std::move(doc));
  }
  PrintAs(format, docs, table.Render());
  return errors ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterGroupSeek(CLI::App* group, Context& ctx) {
  auto opts = std::make_shared<SeekOptions>();
  CLI::App* cmd = group->add_subcommand("seek", "Modify a group's current offsets");
  cmd->footer(
      "The group must be empty (no running consumers). --to takes start, end, or a unix\n"
      "timestamp in seconds, milliseconds or nanoseconds; --to-file reads lines of\n"
      "\"topic partition offset\".");
  cmd->add_option("group", opts->group, "Group to seek")->required();
  cmd->add_option("--to", opts->to, "Where to seek: start, end, or a timestamp");
  cmd->add_option("--to-group", opts->to_group, "Seek to another group's committed offsets");
  cmd->add_option("--to-file", opts->to_file, "Seek to offsets listed in a file");
  cmd->add_option("--topics", opts->topics, "Only seek these topics (comma separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("--allow-new-topics", opts->allow_new_topics,
                "Seek topics the group has no commits for yet (with --topics)");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunSeek(*opts, ctx); });
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
