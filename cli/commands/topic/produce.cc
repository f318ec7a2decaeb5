#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"

namespace kpk::cli {

void RegisterTopicProduce(CLI::App* topic, Context& ctx) {
  CLI::App* cmd = topic->add_subcommand("produce", "not implemented yet");
  OnRun(cmd, ctx, [] { return Fail("run", "not implemented yet"); });
}

}  // namespace kpk::cli
