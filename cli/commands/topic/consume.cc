#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"

namespace kpk::cli {

void RegisterTopicConsume(CLI::App* topic, Context& ctx) {
  CLI::App* cmd = topic->add_subcommand("consume", "not implemented yet");
  OnRun(cmd, ctx, [] { return Fail("run", "not implemented yet"); });
}

}  // namespace kpk::cli
