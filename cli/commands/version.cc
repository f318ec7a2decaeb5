#include "cli/commands/version.h"

#include <fmt/core.h>

#include "cli/build_info.h"

namespace kpk::cli {
inline namespace commands {

void RegisterVersion(CLI::App& root, Context& ctx) {
  CLI::App* cmd = root.add_subcommand("version", "Print the kpk version and build commit");
  OnRun(cmd, ctx, [] {
    fmt::print("kpk {} (commit {})\n", BuildVersion(), BuildCommit());
    return kExitOk;
  });
}

}  // namespace commands
}  // namespace kpk::cli
