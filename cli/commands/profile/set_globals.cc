// kpk profile set-globals KEY=VALUE...: sets the file's globals (timeouts, and rpk's prompt and
// other globals kept for rpk), as `rpk profile set-globals`.
#include <filesystem>
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

int RunSetGlobals(std::vector<std::string> args, const Context& ctx) {
  // rpk also takes the `set key value` form other set commands use.
  if (args.size() == 2 && args[0].find('=') == std::string::npos) {
    args = {args[0] + "=" + args[1]};
  }
  std::vector<std::pair<std::string, std::string>> values;
  for (const std::string& kv : args) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) return UsageError("invalid key=value pair " + Quote(kv));
    values.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  std::string path = ProfileFilePath(ctx);
  auto file = LoadProfileFile(path);
  if (!file) return Fail("load config", file.error());
  if (Status s = SetGlobalValues(*file, values); !s.ok()) return Fail("set globals", s);
  if (Status s = SaveProfileFile(path, *file); !s.ok()) return Fail("write " + path, s);
  WriteStdout(std::filesystem::path(path).filename().string() + " updated successfully.\n");
  return kExitOk;
}

}  // namespace

void RegisterProfileSetGlobals(CLI::App* profile, Context& ctx) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = profile->add_subcommand("set-globals", "Set globals fields");
  cmd->footer(
      "Keys are the globals.* -X names (kpk -X help) with or without the globals. prefix:\n"
      "dial_timeout, request_timeout_overhead, command_timeout; rpk's prompt,\n"
      "no_default_cluster, retry_timeout, fetch_max_wait and kafka_protocol_request_client_id\n"
      "are kept for rpk. An empty value removes a key.");
  cmd->add_option("key=value", *args, "Fields to set")->required();
  OnRun(cmd, ctx, [args, &ctx] { return RunSetGlobals(*args, ctx); });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
