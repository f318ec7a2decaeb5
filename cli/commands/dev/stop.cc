// `kpk dev stop`: stop the background dev broker gracefully (it flushes and closes its logs).
#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

void RegisterDevStop(CLI::App& dev, Context& ctx) {
  CLI::App* cmd = dev.add_subcommand("stop", "Stop the dev broker");
  OnRun(cmd, ctx, [] {
    auto instance = dev::ReadInstance();
    if (!instance || !dev::ProcessAlive(instance->pid)) {
      WriteStdout("No dev broker is running.\n");
      return kExitOk;
    }
    if (Status s = dev::StopBroker(*instance, std::chrono::seconds(30)); !s.ok()) {
      return Fail("stop dev broker", s);
    }
    WriteStdout("Stopped the dev broker.\n");
    return kExitOk;
  });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
