// kpk profile print-globals: the file's globals as YAML, as `rpk profile print-globals`.
#include "cli/commands/profile/profile.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfilePrintGlobals(CLI::App* profile, Context& ctx) {
  CLI::App* cmd = profile->add_subcommand("print-globals", "Print the global configuration");
  OnRun(cmd, ctx, [&ctx] {
    auto file = LoadProfileFile(ProfileFilePath(ctx));
    if (!file) return Fail("load config", file.error());
    WriteStdout(GlobalsToYaml(*file));
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
