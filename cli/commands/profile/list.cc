// kpk profile list: NAME DESCRIPTION, the current profile marked with '*'.
#include <algorithm>
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileList(CLI::App* profile, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* cmd = profile->add_subcommand("list", "List profiles");
  cmd->alias("ls");
  AddFormatFlag(cmd, format.get());
  OnRun(cmd, ctx, [format, &ctx] {
    auto file = LoadProfileFile(ProfileFilePath(ctx));
    if (!file) return Fail("load config", file.error());
    std::sort(file->profiles.begin(), file->profiles.end(),
              [](const Profile& a, const Profile& b) { return a.name < b.name; });
    OutputFormat f = FormatOf(*format);
    if (f != OutputFormat::kText) {
      Json doc = Json::array();
      for (const Profile& p : file->profiles) {
        doc.push_back({{"name", p.name},
                       {"description", p.description},
                       {"current", p.name == file->current_profile}});
      }
      PrintStructured(doc, f);
      return kExitOk;
    }
    Table table({"name", "description"});
    for (const Profile& p : file->profiles) {
      table.AddRow({p.name + (p.name == file->current_profile ? "*" : ""), p.description});
    }
    WriteStdout(table.Render());
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
