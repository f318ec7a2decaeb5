// kpk profile set: sets fields of the current profile (key=value, or "set key value").
#include <memory>
#include <utility>
#include <vector>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfileSet(CLI::App* profile, Context& ctx) {
  auto pairs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = profile->add_subcommand("set", "Set fields in the current profile");
  cmd->add_option("pairs", *pairs, "key=value pairs (or: key value)")->required();
  OnRun(cmd, ctx, [pairs, &ctx] {
    std::vector<std::string> kvs = *pairs;
    if (kvs.size() == 2 && kvs[0].find('=') == std::string::npos) kvs = {kvs[0] + "=" + kvs[1]};
    std::string path = ProfileFilePath(ctx);
    auto file = LoadProfileFile(path);
    if (!file) return Fail("load config", file.error());
    const Profile* found = FindProfileOrFail(*file, "");
    if (found == nullptr) return kExitFailure;
    Profile* p = file->Find(found->name);
    std::vector<std::pair<std::string, std::string>> values;
    for (const std::string& kv : kvs) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos) return UsageError("invalid key=value pair " + Quote(kv));
      values.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    // All at once, so dependent keys (sasl.mechanism, user) may be given in any order.
    if (Status s = SetProfileValues(*p, values); !s.ok()) {
      return Fail("update profile " + Quote(p->name), s);
    }
    if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
    WriteStdout("Profile " + Quote(p->name) + " updated successfully.\n");
    return kExitOk;
  });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
