// `kpk topic`: create, inspect, alter, delete, produce to and consume from topics.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace topic {

void RegisterTopic(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterTopicCreate(CLI::App* topic, Context& ctx);
void RegisterTopicList(CLI::App* topic, Context& ctx);
void RegisterTopicDescribe(CLI::App* topic, Context& ctx);
void RegisterTopicDelete(CLI::App* topic, Context& ctx);
void RegisterTopicAlterConfig(CLI::App* topic, Context& ctx);
void RegisterTopicAddPartitions(CLI::App* topic, Context& ctx);
void RegisterTopicTrimPrefix(CLI::App* topic, Context& ctx);
void RegisterTopicProduce(CLI::App* topic, Context& ctx);
void RegisterTopicConsume(CLI::App* topic, Context& ctx);

}  // namespace topic
}  // namespace commands
}  // namespace kpk::cli
