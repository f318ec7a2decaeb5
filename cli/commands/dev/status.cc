// `kpk dev status`: the dev broker's table, as `rpk container status` prints it.
#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {
namespace {

void PrintInstance(const dev::Instance& instance, bool running, OutputFormat format) {
  if (format == OutputFormat::kText) {
    WriteStdout(dev::StatusTable(instance, running));
    return;
  }
  Json doc = Json::array();
  doc.push_back({{"node_id", instance.node_id},
                 {"status", running ? "running" : "stopped"},
                 {"kafka_address", instance.kafka_address},
                 {"admin_address", instance.admin_address}});
  PrintStructured(doc, format);
}

}  // namespace

void RegisterDevStatus(CLI::App& dev, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* cmd = dev.add_subcommand("status", "Show whether the dev broker is running");
  AddFormatFlag(cmd, format.get());
  OnRun(cmd, ctx, [format] {
    auto instance = dev::ReadInstance();
    if (!instance) {
      WriteStderr("No dev broker has been started. Start one with: kpk dev start");
      if (FormatOf(*format) != OutputFormat::kText)
        PrintStructured(Json::array(), FormatOf(*format));
      return kExitFailure;
    }
    const bool running =
        dev::ProcessAlive(instance->pid) && dev::AdminReady(instance->admin_address);
    PrintInstance(*instance, running, FormatOf(*format));
    return running ? kExitOk : kExitFailure;
  });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
