#include "cli/commands/root.h"

#include <array>
#include <string_view>

#include <fmt/core.h>

#include "cli/build_info.h"
#include "cli/commands/broker/broker.h"
#include "cli/commands/cluster/cluster.h"
#include "cli/commands/dev/dev.h"
#include "cli/commands/generate/generate.h"
#include "cli/commands/group/group.h"
#include "cli/commands/profile/profile.h"
#include "cli/commands/redpanda/redpanda.h"
#include "cli/commands/topic/topic.h"
#include "cli/commands/version.h"

namespace kpk::cli {
inline namespace commands {
namespace {

struct CommandGroup {
  std::array<std::string_view, 2> names;  // name and alias ("" when none)
  void (*add)(CLI::App&, Context&);
};

constexpr std::array kCommandGroups = {
    CommandGroup{{"version", ""}, RegisterVersion},
    CommandGroup{{"broker", ""}, RegisterBroker},
    CommandGroup{{"cluster", ""}, RegisterCluster},
    CommandGroup{{"topic", ""}, RegisterTopic},
    CommandGroup{{"group", "g"}, RegisterGroup},
    CommandGroup{{"profile", ""}, RegisterProfile},
    CommandGroup{{"dev", "container"}, RegisterDev},
    CommandGroup{{"redpanda", ""}, RegisterRedpanda},
    CommandGroup{{"generate", "gen"}, RegisterGenerate},
};

// rpk's connection flags from before -X (deprecated in rpk, hidden there and here), and the
// -X key each one sets.
struct LegacyFlag {
  const char* flag;
  const char* key;
};
constexpr std::array kLegacyFlags = {
    LegacyFlag{"--brokers", "brokers"},
    LegacyFlag{"--user", "user"},
    LegacyFlag{"--password", "pass"},
    LegacyFlag{"--sasl-mechanism", "sasl.mechanism"},
    LegacyFlag{"--tls-enabled", "tls.enabled"},
    LegacyFlag{"--tls-cert", "tls.cert"},
    LegacyFlag{"--tls-key", "tls.key"},
    LegacyFlag{"--tls-truststore", "tls.ca"},
    LegacyFlag{"--api-urls", "admin.hosts"},
    LegacyFlag{"--admin-api-tls-enabled", "admin.tls.enabled"},
    LegacyFlag{"--admin-api-tls-cert", "admin.tls.cert"},
    LegacyFlag{"--admin-api-tls-key", "admin.tls.key"},
    LegacyFlag{"--admin-api-tls-truststore", "admin.tls.ca"},
};

bool IsBoolLegacyFlag(std::string_view flag) { return flag.ends_with("-enabled"); }

// The root options that take a value in the next argument.
bool TakesSeparateValue(std::string_view arg) {
  if (arg == "--config" || arg == "--profile" || arg == "-X" || arg == "--config-opt") return true;
  for (const LegacyFlag& legacy : kLegacyFlags) {
    if (arg == legacy.flag) return !IsBoolLegacyFlag(arg);
  }
  return false;
}

void AddLegacyFlags(CLI::App& app, Context& ctx) {
  for (const LegacyFlag& legacy : kLegacyFlags) {
    std::string key = legacy.key;
    CLI::Option* option;
    if (IsBoolLegacyFlag(legacy.flag)) {
      option = app.add_flag_callback(
          legacy.flag, [&ctx, key] { ctx.global.legacy_opts[key] = "true"; }, "");
    } else {
      option = app.add_option_function<std::string>(
          legacy.flag, [&ctx, key](const std::string& v) { ctx.global.legacy_opts[key] = v; }, "");
    }
    option->group("");  // hidden, as in rpk
  }
}

// The first argument that is not a root option or its value: the command group's name.
std::string_view GroupWord(std::span<char* const> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with('-')) return arg;
    if (arg == "--") return {};
    if (TakesSeparateValue(arg)) ++i;
  }
  return {};
}

const CommandGroup* FindGroup(std::string_view word) {
  if (word.empty()) return nullptr;
  for (const CommandGroup& group : kCommandGroups) {
    if (group.names[0] == word || group.names[1] == word) return &group;
  }
  return nullptr;
}

}  // namespace

void RegisterRootCommands(CLI::App& app, Context& ctx, std::span<char* const> args) {
  app.require_subcommand(0, 1);
  app.fallthrough();
  app.add_option("--config", ctx.global.config_file, "kpk.yaml to use instead of the default");
  app.add_option("--profile", ctx.global.profile, "Profile to use instead of the current one");
  app.add_option("-X,--config-opt", ctx.global.config_opts,
                 "Override a connection setting: -X key=value (-X help lists the keys)")
      ->take_all()
      ->allow_extra_args(false);
  app.add_flag("-v,--verbose", ctx.global.verbose, "Debug logging on stderr");
  app.set_version_flag("--version",
                       fmt::format("kpk {} (commit {})", BuildVersion(), BuildCommit()),
                       "Print the kpk version and exit");
  AddLegacyFlags(app, ctx);

  if (const CommandGroup* group = FindGroup(GroupWord(args))) {
    group->add(app, ctx);
    return;
  }
  for (const CommandGroup& group : kCommandGroups) group.add(app, ctx);
}

}  // namespace commands
}  // namespace kpk::cli
