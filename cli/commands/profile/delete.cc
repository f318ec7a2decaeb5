// kpk profile delete: removes a profile; deleting the current one clears the selection.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileDelete(CLI::App* profile, Context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("delete", "Delete a profile");
  cmd->alias("rm");
  cmd->add_option("name", *name, "Profile name")->required();
  OnRun(cmd, ctx, [name, &ctx] {
    Result<bool> cleared = DeleteProfile(ProfileFilePath(ctx), *name);
    if (!cleared) return Fail("delete profile", cleared.error());
    std::string out = "Deleted profile " + Quote(*name) + ".\n";
    if (*cleared)
      out +=
          "This was the selected profile; kpk will use defaults until a new profile is selected.\n";
    WriteStdout(out);
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
