// kpk topic create: creates topics and prints TOPIC STATUS for each.
#include <memory>

#include "cli/client/result_view.h"
#include "cli/commands/topic/topic.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {
namespace {

struct CreateOptions {
  std::vector<std::string> topics;
  int partitions = -1;
  int replicas = -1;
  std::vector<std::string> configs;
  bool dry = false;
  bool if_not_exists = false;
};

int RunCreate(const CreateOptions& opts, const Context& ctx) {
  auto configs = ParseKeyValues(opts.configs);
  if (!configs) return UsageError("invalid --topic-config: " + configs.error().message());
  if (opts.partitions == 0 || opts.partitions < -1) {
    return UsageError("--partitions must be positive or -1 for the broker default");
  }
  if (opts.replicas == 0 || opts.replicas < -1) {
    return UsageError("--replicas must be positive or -1 for the broker default");
  }
  std::vector<client::NewTopicSpec> specs;
  for (const std::string& name : opts.topics) {
    specs.push_back({name, opts.partitions, opts.replicas, *configs});
  }
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto results = client::CreateTopics(*client, specs, opts.dry);
  if (!results) return Fail("create topics", results.error());
  for (client::ItemResult& r : *results) {
    if (opts.if_not_exists && r.err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
      r = {r.name, RD_KAFKA_RESP_ERR_NO_ERROR, ""};
  }
  WriteStdout(RenderItemResults("topic", *results));
  return AllOk(*results) ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterTopicCreate(CLI::App* topic, Context& ctx) {
  auto opts = std::make_shared<CreateOptions>();
  CLI::App* cmd = topic->add_subcommand("create", "Create topics");
  cmd->add_option("topics", opts->topics, "Topics to create")->required();
  cmd->add_option("-p,--partitions", opts->partitions,
                  "Number of partitions (-1 for the broker default)")
      ->default_val(-1);
  cmd->add_option("-r,--replicas", opts->replicas, "Replication factor (-1 for the broker default)")
      ->default_val(-1);
  cmd->add_option("-c,--topic-config", opts->configs, "Topic config key=value (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("-d,--dry", opts->dry, "Validate the request without creating the topics");
  cmd->add_flag("--if-not-exists", opts->if_not_exists,
                "Treat topics that already exist as created");
  OnRun(cmd, ctx, [opts, &ctx] { return RunCreate(*opts, ctx); });
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
