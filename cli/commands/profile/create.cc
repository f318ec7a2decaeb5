// kpk profile create: adds a profile and makes it current.
#include <memory>
#include <utility>
#include <vector>

#include <fmt/core.h>

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
  std::string from_redpanda;
  bool from_rpk_container = false;
  std::string description;
};

// The `rpk-container` profile that `rpk container start` writes to the user's rpk.yaml.
Result<ConfigValues> RpkContainerValues() {
  std::string path = RpkYamlPath();
  auto rpk = LoadProfileFile(path);
  if (!rpk) return Err(rpk.error());
  const Profile* container = rpk->Find("rpk-container");
  if (container == nullptr) {
    return Err(Status::NotFound(
        fmt::format("{} has no rpk-container profile; start one with rpk container start", path)));
  }
  return container->values;
}

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
  if (!opts.from_redpanda.empty()) {
    auto values = RedpandaYamlRpkValues(opts.from_redpanda);
    if (!values) return Fail("create profile", values.error());
    profile.values = std::move(*values);
  }
  if (opts.from_rpk_container) {
    auto values = RpkContainerValues();
    if (!values) return Fail("create profile", values.error());
    profile.values = std::move(*values);
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
  CLI::Option* from_redpanda =
      cmd->add_option("--from-redpanda", opts->from_redpanda,
                      "Take kafka_api and admin_api from a redpanda.yaml's rpk: section");
  CLI::Option* from_container =
      cmd->add_flag("--from-rpk-container", opts->from_rpk_container,
                    "Copy the rpk-container profile of your rpk.yaml (rpk container start)");
  from_redpanda->excludes(from_container)->excludes("--from-profile");
  from_container->excludes("--from-profile");
  cmd->add_option("-d,--description", opts->description, "What this profile is for");
  OnRun(cmd, ctx, [opts, &ctx] { return RunCreate(*opts, ctx); });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
