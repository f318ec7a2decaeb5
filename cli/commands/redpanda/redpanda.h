// `kpk redpanda admin ...`: rpk's older spellings of Admin API commands, kept for scripts
// written against them. The verbs run the `kpk cluster` commands' code.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace redpanda {

// Adds `admin` and its commands under `parent` (the `redpanda` group, or an alias of it).
void RegisterRedpandaAdmin(CLI::App* parent, Context& ctx);
void RegisterRedpanda(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterAdminBrokersList(CLI::App* brokers, Context& ctx);
void RegisterAdminLogLevelSet(CLI::App* log_level, Context& ctx);

}  // namespace redpanda
}  // namespace commands
}  // namespace kpk::cli
