#include "cli/commands/broker/broker.h"

namespace kpk::cli {
inline namespace commands {
inline namespace broker {

void RegisterBroker(CLI::App& root, Context& ctx) {
  CLI::App* broker = root.add_subcommand("broker", "Run the Kafka-compatible dev broker");
  broker->require_subcommand(0, 1);
  RegisterBrokerRun(*broker, ctx);
}

}  // namespace broker
}  // namespace commands
}  // namespace kpk::cli
