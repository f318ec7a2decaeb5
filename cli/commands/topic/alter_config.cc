#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"

namespace kpk::cli {

void RegisterTopicAlterConfig(CLI::App* topic, Context& ctx) {
  CLI::App* cmd = topic->add_subcommand("alter-config", "not implemented yet");
  OnRun(cmd, ctx, [] { return Fail("run", "not implemented yet"); });
}

}  // namespace kpk::cli
