// kpk topic delete: deletes topics and prints TOPIC STATUS for each.
#include <memory>

#include "cli/client/result_view.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/name_filter.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct DeleteOptions {
  std::vector<std::string> topics;
  bool regex = false;
  std::string format;
};

int RunDelete(const DeleteOptions& opts, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  std::vector<std::string> names = opts.topics;
  if (opts.regex) {
    Result<client::ClusterMetadata> md = client->Metadata();
    if (!md) return Fail("request metadata", md.error());
    std::vector<std::string> candidates;
    // Internal topics are never matched by an expression; name them to delete them.
    for (const client::TopicInfo& t : md->topics) {
      if (!t.internal) candidates.push_back(t.name);
    }
    auto matched = FilterByRegex(candidates, opts.topics);
    if (!matched) return UsageError(matched.error().message());
    names = std::move(*matched);
    if (names.empty()) {
      WriteStdout("did not match any topics, exiting.\n");
      return kExitOk;
    }
  }
  auto results = client::DeleteTopics(*client, names);
  if (!results) return Fail("delete topics", results.error());
  return PrintItemResults("topic", *results, opts.format);
}

}  // namespace

void RegisterTopicDelete(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<DeleteOptions>();
  CLI::App* cmd = topic->add_subcommand("delete", "Delete topics");
  cmd->alias("rm");
  cmd->add_option("topics", opts->topics, "Topics to delete (expressions with -r)")->required();
  cmd->add_flag("-r,--regex", opts->regex,
                "Parse topics as regular expressions; delete any non-internal topic matching");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunDelete(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
