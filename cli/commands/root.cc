#include "cli/commands/root.h"

#include "cli/commands/broker/broker.h"
#include "cli/commands/cluster/cluster.h"
#include "cli/commands/dev/dev.h"
#include "cli/commands/group/group.h"
#include "cli/commands/profile/profile.h"
#include "cli/commands/topic/topic.h"
#include "cli/commands/version.h"

namespace kpk::cli {

void RegisterRootCommands(CLI::App& app, Context& ctx) {
  app.require_subcommand(0, 1);
  app.fallthrough();
  app.add_option("--config", ctx.global.config_file, "kpk.yaml to use instead of the default");
  app.add_option("--profile", ctx.global.profile, "Profile to use instead of the current one");
  app.add_option("-X,--config-opt", ctx.global.config_opts,
                 "Override a connection setting: -X key=value (-X help lists the keys)")
      ->take_all()
      ->allow_extra_args(false);
  app.add_flag("-v,--verbose", ctx.global.verbose, "Debug logging on stderr");

  RegisterVersion(app, ctx);
  RegisterBroker(app, ctx);
  RegisterCluster(app, ctx);
  RegisterTopic(app, ctx);
  RegisterGroup(app, ctx);
  RegisterProfile(app, ctx);
  RegisterDev(app, ctx);
}

}  // namespace kpk::cli
