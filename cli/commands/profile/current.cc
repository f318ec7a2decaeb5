// kpk profile current: the name of the current profile.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileCurrent(CLI::App* profile, Context& ctx) {
  auto no_newline = std::make_shared<bool>(false);
  CLI::App* cmd = profile->add_subcommand("current", "Print the current profile name");
  cmd->add_flag("-n,--no-newline", *no_newline, "Do not print a newline after the name");
  OnRun(cmd, ctx, [no_newline, &ctx] {
    auto file = LoadProfileFile(ProfileFilePath(ctx));
    if (!file) return Fail("load config", file.error());
    WriteStdout(file->current_profile + (*no_newline ? "" : "\n"));
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
