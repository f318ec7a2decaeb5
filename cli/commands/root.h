// The top of the command tree: each command group registers itself here.
#pragma once

#include <span>

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {

// Adds the global flags and the command groups to `app`. When `args` (argv without the program
// name) names a group, only that group is built: building every group's options is a
// millisecond of every command's start-up. Otherwise, for help and errors, all of them are.
void RegisterRootCommands(CLI::App& app, Context& ctx, std::span<char* const> args);

}  // namespace commands
}  // namespace kpk::cli
