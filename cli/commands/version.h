#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {

// `kpk version`: the kpk version and the git commit it was built from.
void RegisterVersion(CLI::App& root, Context& ctx);

}  // namespace commands
}  // namespace kpk::cli
