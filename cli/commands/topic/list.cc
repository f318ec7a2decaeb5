// kpk topic list: NAME PARTITIONS REPLICAS for topics, or per-partition detail with -d.
#include <algorithm>
#include <memory>

#include "cli/client/metadata_view.h"
#include "cli/client/partition_details.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/name_filter.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct ListOptions {
  std::vector<std::string> topics;
  bool detailed = false;
  bool internal = false;
  bool regex = false;
  std::string format;
};

int RunList(const ListOptions& opts, const Context& ctx) {
  if (opts.regex && opts.topics.empty()) return UsageError("--regex needs at least one expression");
  // rpk makes -r and -i incompatible (-r shows what `topic delete -r` would delete, and that
  // never matches internal topics). rpk prints this and exits 0; kpk calls it a usage error.
  if (opts.regex && opts.internal) {
    return UsageError("cannot list with internal topics and list by regular expression");
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  Result<client::ClusterMetadata> md = client->Metadata();
  if (!md) return Fail("request metadata", md.error());
  if (opts.detailed) client::AddPartitionDetails(*client, *md);  // EPOCH, OFFLINE-REPLICAS

  std::vector<client::TopicInfo> topics = md->topics;
  bool show_internal = opts.internal;
  if (!opts.topics.empty()) {
    std::vector<std::string> names;
    for (const client::TopicInfo& t : topics) names.push_back(t.name);
    auto matched = SelectNames(names, opts.topics, opts.regex);
    if (!matched) return UsageError(matched.error().message());
    std::erase_if(topics, [&](const client::TopicInfo& t) {
      return std::find(matched->begin(), matched->end(), t.name) == matched->end();
    });
    show_internal = true;  // named topics are shown even when internal
  }
  OutputFormat format = FormatOf(opts.format);
  PrintAs(format, TopicsJson(topics, show_internal, opts.detailed, format),
          RenderTopics(topics, show_internal, opts.detailed));
  return kExitOk;
}

}  // namespace

void RegisterTopicList(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = topic->add_subcommand("list", "List topics, optionally listing specific topics");
  cmd->alias("ls");
  cmd->add_option("topics", opts->topics, "Topics to list (expressions with -r)");
  cmd->add_flag("-d,--detailed", opts->detailed, "Print per-partition information for topics");
  cmd->add_flag("-i,--internal", opts->internal, "Print internal topics");
  cmd->add_flag("-r,--regex", opts->regex,
                "Parse topics as regular expressions; list any topic matching any expression");
  AddFormatFlag(cmd, &opts->format, [opts] { return client::TopicsShape(opts->detailed); });
  OnRun(cmd, ctx, [opts, &ctx] { return RunList(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
