// kpk cluster loggers list: each broker logger and its level (GET /v1/loggers).
#include <fmt/core.h>

#include "cli/commands/cluster/cluster.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

int Run(const std::string& format_flag, const Context& ctx) {
  std::optional<AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return kExitFailure;
  Result<Json> loggers = admin->GetJson("/v1/loggers?include-levels=true");
  if (!loggers) return Fail("list loggers", loggers.error());
  if (!loggers->is_array()) return Fail("list loggers", "the answer is not a list");
  Table table({"LOGGER", "LEVEL"});
  for (const Json& l : *loggers) table.AddRow({l.value("name", ""), l.value("level", "-")});
  PrintAs(FormatOf(format_flag), *loggers, table.Render());
  return kExitOk;
}

}  // namespace

void RegisterClusterLoggersList(CLI::App* loggers, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* list = loggers->add_subcommand("list", "List the brokers' loggers and their levels");
  list->alias("ls");
  AddFormatFlag(list, format.get());
  OnRun(list, ctx, [format, &ctx] { return Run(*format, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
