// kpk profile create: adds a profile and makes it current.
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

struct CreateOptions {
  std::string name;
  std::vector<std::string> set;
  std::string from_profile;
  std::string description;
};

int RunCreate(const CreateOptions& opts, const Context& ctx) {
  std::string path = ProfileFilePath(ctx);
  auto file = LoadProfileFile(path);
  if (!file) return Fail("load config", file.error());
  if (file->Find(opts.name) != nullptr) {
    return Fail("create profile", "profile " + Quote(opts.name) + " already exists");
  }
  Profile profile{opts.name, opts.description, {}, ""};
  if (!opts.from_profile.empty()) {
    const Profile* source = file->Find(opts.from_profile);
    if (source == nullptr)
      return Fail("create profile", "profile " + Quote(opts.from_profile) + " does not exist");
    profile.values = source->values;
    if (profile.description.empty()) profile.description = source->description;
  }
  std::vector<std::pair<std::string, std::string>> values;
  for (const std::string& kv : opts.set) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos)
      return UsageError("invalid --set " + Quote(kv) + ": expected key=value");
    values.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  // All at once, so --set sasl.mechanism=... may come before --set user=...
  if (Status s = SetProfileValues(profile, values); !s.ok()) return Fail("create profile", s);
  file->profiles.push_back(std::move(profile));
  file->current_profile = opts.name;
  if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
  WriteStdout("Created and switched to new profile " + Quote(opts.name) + ".\n");
  return kExitOk;
}

}  // namespace

void RegisterProfileCreate(CLI::App* profile, Context& ctx) {
  auto opts = std::make_shared<CreateOptions>();
  CLI::App* cmd = profile->add_subcommand("create", "Create a profile and switch to it");
  cmd->add_option("name", opts->name, "Profile name")->required();
  cmd->add_option("-s,--set", opts->set, "key=value to set in the profile (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--from-profile", opts->from_profile, "Copy the settings of another profile");
  cmd->add_option("-d,--description", opts->description, "What this profile is for");
  OnRun(cmd, ctx, [opts, &ctx] { return RunCreate(*opts, ctx); });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
