#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace broker {

// `kpk broker ...`: run the dev broker in the foreground.
void RegisterBroker(CLI::App& root, Context& ctx);

void RegisterBrokerRun(CLI::App& broker, Context& ctx);

}  // namespace broker
}  // namespace commands
}  // namespace kpk::cli
