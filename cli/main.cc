// kpk: the command-line entry point. Builds the command tree, parses, runs the chosen command.
#include <csignal>
#include <cstdio>
#include <span>
#include <string>

#include "cli/client/kafka_client.h"
#include "cli/command.h"
#include "cli/commands/root.h"
#include "cli/config/config.h"
#include "cli/format/output.h"
#include "cli/runtime.h"
#include "common/log.h"

int main(int argc, char** argv) {
  // A closed stdout pipe (kpk ... | head) must end the process through EPIPE handling in the
  // writers, not by a signal that skips cleanup.
  std::signal(SIGPIPE, SIG_IGN);
  // The process ends with its command, so a client with nothing left to do need not be torn down.
  kpk::cli::LeaveIdleHandlesToProcessExit();

  kpk::cli::Context ctx;
  CLI::App app{
      "kpk: a Kafka pocket knife. Manage Redpanda and Apache Kafka clusters, and run a "
      "Kafka-compatible dev broker.",
      "kpk"};
  kpk::cli::RegisterRootCommands(app, ctx, std::span<char* const>(argv + 1, argc - 1));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kpk::cli::kExitUsage;
  }
  if (ctx.global.verbose) kpk::SetLogLevel(kpk::LogLevel::kDebug);
  if (std::string help = kpk::cli::ConfigHelpRequested(ctx); !help.empty()) {
    kpk::cli::WriteStdout(help);
    return kpk::cli::kExitOk;
  }
  // A bad -X is a usage error, caught before any command runs.
  if (auto flags = kpk::cli::ParseConfigFlags(ctx.global.config_opts); !flags) {
    return kpk::cli::UsageError(flags.error().message());
  }
  if (!ctx.action) {
    // A group without a verb (`kpk topic`) shows its help, as rpk does.
    CLI::App* shown = &app;
    std::string parents;
    while (!shown->get_subcommands().empty()) {
      parents += (parents.empty() ? "" : " ") + shown->get_name();
      shown = shown->get_subcommands().front();
    }
    std::fputs(shown->help(parents).c_str(), stdout);
    return kpk::cli::kExitOk;
  }
  return ctx.action();
}
