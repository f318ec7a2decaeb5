// kpk profile edit-globals: the file's globals in $EDITOR, saved if they still parse and
// validate, as `rpk profile edit-globals`.
#include "cli/commands/profile/profile.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileEditGlobals(CLI::App* profile, Context& ctx) {
  CLI::App* cmd = profile->add_subcommand("edit-globals", "Edit the globals in $EDITOR");
  OnRun(cmd, ctx, [&ctx] {
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    auto text = EditText(GlobalsToYaml(*file));
    if (!text) return Fail("edit globals", text.error());
    if (Status s = SetGlobalsFromYaml(*file, *text); !s.ok()) return Fail("edit globals", s);
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    WriteStdout("Globals updated successfully.\n");
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
