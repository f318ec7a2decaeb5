// kpk cluster loggers set LOGGERS... --level L --expiry-seconds N: changes broker loggers'
// levels for a while (PUT /v1/config/log_level/{name}), on every Admin API host, reporting
// each logger's success or failure as rpk's `redpanda admin config log-level set` does.
#include <fmt/core.h>

#include "cli/commands/cluster/cluster.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

struct Failure {
  std::string logger;
  std::string cause;
};

// Sets one logger on `host`; the failure's cause, or nullopt.
std::optional<std::string> SetOne(const AdminClient& admin, const std::string& host,
                                  const LogLevelChange& change, const std::string& logger) {
  std::string path = fmt::format("/v1/config/log_level/{}?level={}&expires={}", logger,
                                 change.level, change.expiry_seconds);
  Result<AdminResponse> response = admin.SendTo(host, "PUT", path);
  if (!response) return response.error().message();
  if (!response->ok()) {
    return fmt::format("HTTP {} from {}: {}", response->status, host, response->ErrorMessage());
  }
  return std::nullopt;
}

void PrintOutcome(const std::vector<std::string>& successes, const std::vector<Failure>& failures) {
  std::string out;
  if (!successes.empty()) {
    out += "SUCCESSES\n";
    for (const std::string& s : successes) out += s + "\n";
    out += "\n";
  }
  if (!failures.empty()) {
    out += "FAILURES\n";
    for (const Failure& f : failures) out += fmt::format("{}: {}\n", f.logger, f.cause);
    out += "\n";
  }
  WriteStdout(out);
}

}  // namespace

int RunSetLogLevel(const Context& ctx, const LogLevelChange& change) {
  std::optional<AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return kExitFailure;
  std::vector<std::string> hosts = admin->hosts();
  if (!change.host.empty()) hosts = {change.host};
  std::vector<std::string> successes;
  std::vector<Failure> failures;
  for (const std::string& logger : change.loggers) {
    std::optional<std::string> failed;
    for (const std::string& host : hosts) {
      if (!failed) failed = SetOne(*admin, host, change, logger);
    }
    if (failed) {
      failures.push_back({logger, *failed});
    } else {
      successes.push_back(logger);
    }
  }
  PrintOutcome(successes, failures);
  return failures.empty() ? kExitOk : kExitFailure;
}

void AddLogLevelFlags(CLI::App* cmd, LogLevelChange& change) {
  cmd->add_option("loggers", change.loggers, "Loggers to change (see `kpk cluster loggers list`)")
      ->required();
  cmd->add_option("-l,--level", change.level, "Level to set: error, warn, info, debug, trace")
      ->default_val("debug")
      ->check(CLI::IsMember({"error", "warn", "info", "debug", "trace"}));
  cmd->add_option("-e,--expiry-seconds", change.expiry_seconds,
                  "Seconds until the broker returns to its configured level (0: never)")
      ->default_val(300)
      ->check(CLI::NonNegativeNumber);
}

void RegisterClusterLoggersSet(CLI::App* loggers, Context& ctx) {
  auto change = std::make_shared<LogLevelChange>();
  CLI::App* set = loggers->add_subcommand("set", "Set broker loggers' levels for a while");
  AddLogLevelFlags(set, *change);
  OnRun(set, ctx, [change, &ctx] { return RunSetLogLevel(ctx, *change); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
