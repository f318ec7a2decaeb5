#include "cli/commands/profile/profile.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfile(CLI::App& root, Context& ctx) {
  CLI::App* profile = root.add_subcommand("profile", "Manage kpk profiles (kpk.yaml)");
  profile->require_subcommand(0, 1);
  profile->footer(
      "Profiles live in $XDG_CONFIG_HOME/kpk/kpk.yaml (default ~/.config/kpk/kpk.yaml) or the\n"
      "file given with --config. Keys are the -X names (brokers, tls.ca, user, admin.hosts, ...)\n"
      "or their yaml paths (kafka_api.brokers, ...); see kpk -X help.");
  RegisterProfileCreate(profile, ctx);
  RegisterProfileUse(profile, ctx);
  RegisterProfileList(profile, ctx);
  RegisterProfileDelete(profile, ctx);
  RegisterProfilePrint(profile, ctx);
  RegisterProfileCurrent(profile, ctx);
  RegisterProfileSet(profile, ctx);
  RegisterProfileRenameTo(profile, ctx);
  RegisterProfileEdit(profile, ctx);
  RegisterProfileClear(profile, ctx);
  RegisterProfilePrompt(profile, ctx);
  RegisterProfileSetGlobals(profile, ctx);
  RegisterProfilePrintGlobals(profile, ctx);
  RegisterProfileEditGlobals(profile, ctx);
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
