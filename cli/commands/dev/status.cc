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
    // As `rpk container status`: no broker, or a stopped one, is an answer, not a failure.
    if (!instance) {
      if (FormatOf(*format) != OutputFormat::kText) {
        PrintStructured(Json::array(), FormatOf(*format));
      } else {
        WriteStdout("No dev broker detected - use `kpk dev start` to start one\n");
      }
      return kExitOk;
    }
    const bool running =
        dev::ProcessAlive(instance->pid) && dev::AdminReady(instance->admin_address);
    PrintInstance(*instance, running, FormatOf(*format));
    return kExitOk;
  });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
