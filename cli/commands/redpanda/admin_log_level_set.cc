// kpk redpanda admin config log-level set LOGGERS... --host H: rpk's older spelling of
// `kpk cluster loggers set`, on one Admin API host (a host:port, or an index into the
// configured admin hosts).
#include <fmt/core.h>

#include "cli/commands/cluster/cluster.h"
#include "cli/commands/redpanda/redpanda.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace redpanda {
namespace {

// rpk's --host: an index into the admin hosts, or a host itself.
std::optional<std::string> ResolveHost(const std::string& host, const Context& ctx) {
  std::optional<int64_t> index = ParseInt(host);
  if (!index) return host;
  std::optional<AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return std::nullopt;
  if (*index < 0 || static_cast<size_t>(*index) >= admin->hosts().size()) {
    UsageError(fmt::format("--host {} is not an index into the {} admin hosts", host,
                           admin->hosts().size()));
    return std::nullopt;
  }
  return admin->hosts()[*index];
}

}  // namespace

void RegisterAdminLogLevelSet(CLI::App* log_level, Context& ctx) {
  auto change = std::make_shared<LogLevelChange>();
  CLI::App* set = log_level->add_subcommand("set", "Set broker loggers' levels for a while");
  AddLogLevelFlags(set, *change);
  set->add_option("--host", change->host, "Admin API host:port, or an index into admin.hosts")
      ->required();
  OnRun(set, ctx, [change, &ctx] {
    std::optional<std::string> host = ResolveHost(change->host, ctx);
    if (!host) return kExitUsage;
    LogLevelChange one = *change;
    one.host = *host;
    return RunSetLogLevel(ctx, one);
  });
}

}  // namespace redpanda
}  // namespace commands
}  // namespace kpk::cli
