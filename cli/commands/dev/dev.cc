#include "cli/commands/dev/dev.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

void RegisterDev(CLI::App& root, Context& ctx) {
  CLI::App* dev =
      root.add_subcommand("dev", "Start, stop and inspect a dev broker running in the background");
  dev->alias("container");
  dev->require_subcommand(0, 1);
  RegisterDevStart(*dev, ctx);
  RegisterDevStop(*dev, ctx);
  RegisterDevStatus(*dev, ctx);
  RegisterDevPurge(*dev, ctx);
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
