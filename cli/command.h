// What every kpk command shares: the global flags, the exit codes, and the way a command's
// body is scheduled to run after parsing.
//
// A command file registers its flags on a CLI::App and hands OnRun() the function to run.
// Parsing only records which command was chosen; main() runs it afterwards, so a command
// returns its exit code instead of throwing through the parser.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kpk::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // also partial failure, after every row is reported
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string config_file;               // --config
  std::string profile;                   // --profile
  std::vector<std::string> config_opts;  // -X key=value, in order
  // rpk's deprecated connection flags (--brokers, --user, ...), by -X name; -X wins over them.
  std::map<std::string, std::string, std::less<>> legacy_opts;
  bool verbose = false;  // -v
};

struct Context {
  GlobalOptions global;
  std::function<int()> action;  // the chosen command's body; set during parsing
};

// The action that prints `cmd`'s output shape when it was run with --format help, or nullptr
// (no shape registered, or another format). Defined with AddFormatFlag in runtime.cc.
std::function<int()> FormatHelpAction(const CLI::App* cmd);

// Schedules `body` (returning an exit code) to run when `cmd` is the command the user chose.
// --format help replaces the body, as rpk prints the shape before doing any work.
inline void OnRun(CLI::App* cmd, Context& ctx, std::function<int()> body) {
  cmd->callback([&ctx, cmd, body = std::move(body)] {
    std::function<int()> help = FormatHelpAction(cmd);
    ctx.action = help ? std::move(help) : body;
  });
}

}  // namespace kpk::cli
