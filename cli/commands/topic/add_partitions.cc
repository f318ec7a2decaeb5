// kpk topic add-partitions: grows topics by -n partitions each, printing TOPIC STATUS.
#include <memory>

#include "cli/client/partition_details.h"
#include "cli/client/result_view.h"
#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct AddPartitionsOptions {
  std::vector<std::string> topics;
  int num = 0;
  std::string format;
};

int RunAddPartitions(const AddPartitionsOptions& opts, const Context& ctx) {
  if (opts.num <= 0) return UsageError("--num must be a positive number of partitions to add");
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  Result<client::ClusterMetadata> md = client->Metadata();
  if (!md) return Fail("request metadata", md.error());

  // Topics that do not exist get their error row without being sent.
  std::vector<client::ItemResult> missing;
  std::vector<std::pair<std::string, int>> totals;
  for (const std::string& name : opts.topics) {
    const client::TopicInfo* t = md->FindTopic(name);
    if (t == nullptr || t->err) {
      auto err = client::AbsentTopicError(*client, *md, name);
      missing.push_back({name, err, client::ErrorText(err)});
      continue;
    }
    totals.emplace_back(name, static_cast<int>(t->partitions.size()) + opts.num);
  }
  std::vector<client::ItemResult> results;
  if (!totals.empty()) {
    auto sent = client::CreatePartitions(*client, totals, false);
    if (!sent) return Fail("add partitions", sent.error());
    results = std::move(*sent);
  }
  results.insert(results.end(), missing.begin(), missing.end());
  return PrintItemResults("topic", results, opts.format);
}

}  // namespace

void RegisterTopicAddPartitions(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<AddPartitionsOptions>();
  CLI::App* cmd = topic->add_subcommand("add-partitions", "Add partitions to existing topics");
  cmd->add_option("topics", opts->topics, "Topics to grow")->required();
  cmd->add_option("-n,--num", opts->num, "Number of partitions to add to each topic")->required();
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunAddPartitions(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
