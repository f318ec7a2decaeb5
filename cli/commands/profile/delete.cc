// kpk profile delete: removes a profile; deleting the current one clears the selection.
#include <algorithm>
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
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    auto it = std::find_if(file->profiles.begin(), file->profiles.end(),
                           [&](const Profile& p) { return p.name == *name; });
    if (it == file->profiles.end())
      return Fail("delete profile", "profile " + Quote(*name) + " does not exist");
    file->profiles.erase(it);
    bool cleared = file->current_profile == *name;
    if (cleared) file->current_profile.clear();
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    std::string out = "Deleted profile " + Quote(*name) + ".\n";
    if (cleared)
      out +=
          "This was the selected profile; kpk will use defaults until a new profile is selected.\n";
    WriteStdout(out);
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
