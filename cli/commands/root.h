// The top of the command tree: each command group registers itself here.
#pragma once

#include "cli/command.h"

namespace kpk::cli {

// Adds the global flags and every command group to `app`.
void RegisterRootCommands(CLI::App& app, Context& ctx);

}  // namespace kpk::cli
