// kpk profile edit: opens a profile in $EDITOR and saves it if it still parses.
#include <memory>
#include <utility>
#include <vector>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

namespace {

int RunEdit(const std::string& name, const Context& ctx) {
  std::string path = ProfileFilePath(ctx);
  auto file = LoadProfileFile(path);
  if (!file) return Fail("load config", file.error());
  const Profile* found = FindProfileOrFail(*file, name);
  if (found == nullptr) return kExitFailure;
  std::string old_name = found->name;

  auto text = EditText(ProfileToYaml(*found));
  if (!text) return Fail("edit profile", text.error());
  auto updated = ProfileFromYaml(*text);
  if (!updated) return Fail("parse the edited profile", updated.error());
  if (updated->name != old_name && file->Find(updated->name) != nullptr) {
    return Fail("edit profile", "profile " + Quote(updated->name) + " already exists");
  }
  Profile checked{updated->name, updated->description, {}, updated->source_yaml};
  // Validated as a whole: the keys come back sorted, so sasl.mechanism precedes user, and a
  // key-by-key check rejected every unchanged SASL profile.
  std::vector<std::pair<std::string, std::string>> values(updated->values.begin(),
                                                          updated->values.end());
  if (Status s = SetProfileValues(checked, values); !s.ok()) return Fail("edit profile", s);
  *file->Find(old_name) = checked;
  if (file->current_profile == old_name) file->current_profile = checked.name;
  if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
  WriteStdout("Profile " + Quote(checked.name) + " updated successfully.\n");
  return kExitOk;
}

}  // namespace

void RegisterProfileEdit(CLI::App* profile, Context& ctx) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("edit", "Edit a profile in $EDITOR (default: current)");
  cmd->add_option("name", *name, "Profile name");
  OnRun(cmd, ctx, [name, &ctx] { return RunEdit(*name, ctx); });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
