#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

// `kpk dev ...` (alias `kpk container ...`): a dev broker in the background.
void RegisterDev(CLI::App& root, Context& ctx);

void RegisterDevStart(CLI::App& dev, Context& ctx);
void RegisterDevStop(CLI::App& dev, Context& ctx);
void RegisterDevStatus(CLI::App& dev, Context& ctx);
void RegisterDevPurge(CLI::App& dev, Context& ctx);

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
