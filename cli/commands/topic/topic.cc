#include "cli/commands/topic/topic.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {

void RegisterTopic(CLI::App& root, Context& ctx) {
  CLI::App* topic =
      root.add_subcommand("topic", "Create, delete, produce to and consume from topics");
  topic->require_subcommand(0, 1);
  RegisterTopicCreate(topic, ctx);
  RegisterTopicList(topic, ctx);
  RegisterTopicDescribe(topic, ctx);
  RegisterTopicDelete(topic, ctx);
  RegisterTopicAlterConfig(topic, ctx);
  RegisterTopicAddPartitions(topic, ctx);
  RegisterTopicTrimPrefix(topic, ctx);
  RegisterTopicProduce(topic, ctx);
  RegisterTopicConsume(topic, ctx);
}

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
