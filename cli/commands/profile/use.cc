// kpk profile use: makes a profile current.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileUse(CLI::App* profile, Context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("use", "Select the profile to use");
  cmd->add_option("name", *name, "Profile name")->required();
  OnRun(cmd, ctx, [name, &ctx] {
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    if (file->Find(*name) == nullptr)
      return Fail("use profile", "profile " + Quote(*name) + " does not exist");
    file->current_profile = *name;
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    WriteStdout("Set current profile to " + Quote(*name) + ".\n");
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
