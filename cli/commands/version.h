#pragma once

#include "cli/command.h"

namespace kpk::cli::inline commands {

// `kpk version`: the kpk version and the git commit it was built from.
void RegisterVersion(CLI::App& root, Context& ctx);

}  // namespace kpk::cli::commands
