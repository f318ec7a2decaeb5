// `kpk dev purge`: stop the dev broker and delete its data.
#include <filesystem>

#include <fmt/core.h>

#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

void RegisterDevPurge(CLI::App& dev, Context& ctx) {
  CLI::App* cmd = dev.add_subcommand("purge", "Stop the dev broker and delete all its data");
  OnRun(cmd, ctx, [] {
    if (auto instance = dev::ReadInstance(); instance && dev::ProcessAlive(instance->pid)) {
      if (Status s = dev::StopBroker(*instance, std::chrono::seconds(30)); !s.ok()) {
        return Fail("stop dev broker", s);
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dev::DevDirectory(), ec);
    if (ec) return Fail(fmt::format("delete {}", dev::DevDirectory()), ec.message());
    WriteStdout("Deleted the dev broker and its data.\n");
    return kExitOk;
  });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
