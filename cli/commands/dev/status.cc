// `kpk dev status`: the dev broker's table, as `rpk container status` prints it.
#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/runtime.h"
#include "common/output.h"

namespace kpk::cli {

void RegisterDevStatus(CLI::App& dev, Context& ctx) {
  CLI::App* cmd = dev.add_subcommand("status", "Show whether the dev broker is running");
  OnRun(cmd, ctx, [] {
    auto instance = dev::ReadInstance();
    if (!instance) {
      WriteStdout("No dev broker has been started. Start one with: kpk dev start\n");
      return kExitOk;
    }
    const bool running =
        dev::ProcessAlive(instance->pid) && dev::AdminReady(instance->admin_address);
    WriteStdout(dev::StatusTable(instance, running));
    return kExitOk;
  });
}

}  // namespace kpk::cli
