// `kpk dev purge`: stop the dev broker, delete its data and its "dev" profile, as
// `rpk container purge` removes its containers and the "rpk-container" profile.
#include <filesystem>

#include <fmt/core.h>

#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/config/profile.h"
#include "cli/format/output.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

namespace {

int DeleteDevProfile(const std::string& path) {
  Result<bool> cleared = DeleteProfile(path, dev::kProfileName);
  if (!cleared && cleared.error().code() == Status::Code::kNotFound) return kExitOk;
  if (!cleared) {
    Warn(fmt::format("unable to delete the {} profile: {}; delete it with 'kpk profile delete {}'",
                     Quote(dev::kProfileName), cleared.error().message(), dev::kProfileName));
    return kExitOk;
  }
  std::string out = fmt::format("Deleted profile {}.\n", Quote(dev::kProfileName));
  if (*cleared) {
    out +=
        "This was the selected profile; kpk will use defaults until a new profile is selected "
        "or a new dev broker is started.\n";
  }
  WriteStdout(out);
  return kExitOk;
}

}  // namespace

void RegisterDevPurge(CLI::App& dev, Context& ctx) {
  CLI::App* cmd = dev.add_subcommand("purge", "Stop the dev broker and delete all its data");
  OnRun(cmd, ctx, [&ctx] {
    std::error_code ec;
    auto instance = dev::ReadInstance();
    if (!instance && !std::filesystem::exists(dev::DevDirectory(), ec)) {
      WriteStdout("No dev broker to remove.\nYou may start a new one with 'kpk dev start'\n");
      return kExitOk;
    }
    if (instance && dev::ProcessAlive(instance->pid)) {
      if (Status s = dev::StopBroker(*instance, std::chrono::seconds(30)); !s.ok()) {
        return Fail("stop dev broker", s);
      }
    }
    std::filesystem::remove_all(dev::DevDirectory(), ec);
    if (ec) return Fail(fmt::format("delete {}", dev::DevDirectory()), ec.message());
    WriteStdout("Deleted the dev broker and its data.\n");
    return DeleteDevProfile(ProfileFilePath(ctx));
  });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
