// kpk cluster config set KEY VALUE | KEY=VALUE...: sets cluster properties; "" resets a
// non-string property to its default, "null" clears a nullable one.
#include <memory>

#include <fmt/core.h>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

using ConfigAssignments = std::vector<std::pair<std::string, std::string>>;

// `KEY VALUE`, or any number of `KEY=VALUE`.
std::optional<ConfigAssignments> ParseConfigAssignments(const std::vector<std::string>& args) {
  ConfigAssignments out;
  if (args.size() == 2 && args[0].find('=') == std::string::npos) {
    out.emplace_back(args[0], args[1]);
    return out;
  }
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    out.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
  }
  return out;
}

int RunConfigSet(const std::vector<std::string>& args, const Context& ctx) {
  auto assignments = ParseConfigAssignments(args);
  if (!assignments || assignments->empty()) {
    std::string given;
    for (const auto& a : args) given += (given.empty() ? "" : " ") + a;
    return UsageError(fmt::format(
        "invalid arguments: [{}], please use one of 'kpk cluster config set <key> <value>' or "
        "'kpk cluster config set <key>=<value>'",
        given));
  }
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto schema = source->Schema();
  if (!schema) return Fail("query config schema", schema.error());
  Json upsert = Json::object();
  std::vector<std::string> remove;
  for (const auto& [key, value] : *assignments) {
    if (!schema->contains(key)) {
      WriteStderr(fmt::format("Unknown property \"{}\"", key));
      return kExitFailure;
    }
    const Json& meta = (*schema)[key];
    if (meta.value("nullable", false) && value == "null") {
      upsert[key] = nullptr;
    } else if (meta.value("type", "") != "string" && value.empty()) {
      remove.push_back(key);
    } else {
      upsert[key] = value;  // scalars go as strings: the server checks and converts them
    }
  }
  auto outcome = source->Patch(upsert, remove);
  if (!outcome) return Fail("set property", outcome.error());
  if (!outcome->errors.empty()) {
    WriteStderr("No changes were made: " + ValidationErrors(outcome->errors));
    return kExitFailure;
  }
  PrintPatched(*source, *outcome);
  return kExitOk;
}

}  // namespace

void RegisterClusterConfigSet(CLI::App* config, Context& ctx) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = config->add_subcommand("set", "Set cluster configuration properties");
  cmd->footer(
      "This command is provided for use in scripts. For interactive editing, or bulk\n"
      "changes, use the 'edit' and 'import' commands respectively.\n\n"
      "You may also use <key>=<value> notation, for one or more properties:\n\n"
      "  kpk cluster config set log_retention_ms=-1\n\n"
      "If an empty string is given as the value, the property is reset to its default.\n"
      "For a negative value use 'set -- key -1'.");
  cmd->add_option("args", *args, "KEY VALUE, or KEY=VALUE ...")->required();
  OnRun(cmd, ctx, [args, &ctx] { return RunConfigSet(*args, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
