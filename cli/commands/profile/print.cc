// kpk profile print: a profile (the current one by default) as YAML.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfilePrint(CLI::App* profile, Context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("print", "Print a profile (default: the current one)");
  cmd->add_option("name", *name, "Profile name");
  OnRun(cmd, ctx, [name, &ctx] {
    auto file = LoadProfileFile(ProfileFilePath(ctx));
    if (!file) return Fail("load config", file.error());
    const Profile* p = FindProfileOrFail(*file, *name);
    if (p == nullptr) return kExitFailure;
    WriteStdout(ProfileToYaml(*p));
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
