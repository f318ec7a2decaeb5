// kpk profile rename-to: renames the current profile.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileRenameTo(CLI::App* profile, Context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("rename-to", "Rename the current profile");
  cmd->add_option("name", *name, "New name")->required();
  OnRun(cmd, ctx, [name, &ctx] {
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    const Profile* current = FindProfileOrFail(*file, "");
    if (current == nullptr) return kExitFailure;
    if (file->Find(*name) != nullptr)
      return Fail("rename profile", "profile " + Quote(*name) + " already exists");
    std::string old_name = current->name;
    file->Find(old_name)->name = *name;
    file->current_profile = *name;
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    WriteStdout("Renamed profile " + Quote(old_name) + " to " + Quote(*name) + ".\n");
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
