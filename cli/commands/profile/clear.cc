// kpk profile clear: no profile is current any more (the profiles stay), as `rpk profile clear`.
#include "cli/commands/profile/profile.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileClear(CLI::App* profile, Context& ctx) {
  CLI::App* cmd = profile->add_subcommand("clear", "Clear the current profile");
  OnRun(cmd, ctx, [&ctx] {
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    if (!file->exists || file->current_profile.empty()) return kExitOk;  // nothing to clear
    file->current_profile.clear();
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
