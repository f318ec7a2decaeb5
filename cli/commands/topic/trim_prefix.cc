#include "cli/commands/topic/topic.h"
#include "cli/runtime.h"

namespace kpk::cli {

void RegisterTopicTrimPrefix(CLI::App* topic, Context& ctx) {
  CLI::App* cmd = topic->add_subcommand("trim-prefix", "not implemented yet");
  OnRun(cmd, ctx, [] { return Fail("run", "not implemented yet"); });
}

}  // namespace kpk::cli
