#include "cli/commands/redpanda/redpanda.h"

namespace kpk::cli {
inline namespace commands {
inline namespace redpanda {

void RegisterRedpandaAdmin(CLI::App* parent, Context& ctx) {
  CLI::App* admin = parent->add_subcommand("admin", "Talk to the Admin API (older spellings)");
  admin->require_subcommand(0, 1);
  CLI::App* brokers = admin->add_subcommand("brokers", "View the brokers in your cluster");
  brokers->require_subcommand(0, 1);
  RegisterAdminBrokersList(brokers, ctx);
  CLI::App* config = admin->add_subcommand("config", "View or modify broker configuration");
  config->require_subcommand(0, 1);
  CLI::App* log_level = config->add_subcommand("log-level", "Manage a broker's log level");
  log_level->require_subcommand(0, 1);
  RegisterAdminLogLevelSet(log_level, ctx);
}

void RegisterRedpanda(CLI::App& root, Context& ctx) {
  CLI::App* redpanda = root.add_subcommand("redpanda", "Interact with a local broker");
  redpanda->require_subcommand(0, 1);
  RegisterRedpandaAdmin(redpanda, ctx);
}

}  // namespace redpanda
}  // namespace commands
}  // namespace kpk::cli
