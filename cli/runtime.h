// What command bodies share at run time: loading the connection config, opening a client,
// reporting errors as "unable to <verb> <object>: <cause>", --format, confirmation prompts,
// and stopping on Ctrl-C / SIGTERM.
#pragma once

#include <string>
#include <string_view>

#include "cli/client/admin_client.h"
#include "cli/client/kafka_admin.h"
#include "cli/client/kafka_client.h"
#include "cli/command.h"
#include "cli/config/profile.h"
#include "cli/format/output.h"
#include "common/status.h"

namespace kpk::cli {

// Resolves -X, KPK_* and the profile for this invocation.
Result<LoadedConfig> LoadConfig(const Context& ctx);

// The kpk.yaml this invocation reads and writes: --config, else the default path.
std::string ProfileFilePath(const Context& ctx);

// The named profile of `file`, or its current one when `name` is empty; reports a missing one
// and returns null.
const Profile* FindProfileOrFail(const ProfileFile& file, const std::string& name);

// Loads the config and opens a Kafka client; on failure reports it and returns nullopt.
std::optional<client::Client> OpenClient(const Context& ctx,
                                         const client::ClientOptions& options = {});

// Loads the config and makes an Admin API client; on failure reports it and returns nullopt.
std::optional<client::AdminClient> OpenAdmin(const Context& ctx);

// Prints "unable to <what>: <cause>" on stderr and returns kExitFailure.
int Fail(std::string_view what, const Status& cause);
int Fail(std::string_view what, std::string_view cause);
// Prints a usage problem found after parsing and returns kExitUsage.
int UsageError(std::string_view message);
// A warning on stderr that does not change the exit code.
void Warn(std::string_view message);

// Adds --format text|json|yaml (text also accepts rpk's "wide").
void AddFormatFlag(CLI::App* cmd, std::string* format);
// The shape of a command's --format json|yaml document, in the notation rpk's `--format help`
// prints (rpk's config.formatType over the Go struct). A function, as it may depend on flags
// (topic list -d).
using FormatShape = std::function<std::string()>;
// As above, and also accepts --format help, which prints `shape` and exits 0.
void AddFormatFlag(CLI::App* cmd, std::string* format, FormatShape shape);
OutputFormat FormatOf(const std::string& flag);
// Prints a structured document for --format json|yaml.
void PrintStructured(const Json& doc, OutputFormat format);
// Prints `doc` for --format json|yaml, else `text` (the rendered table).
void PrintAs(OutputFormat format, const Json& doc, std::string_view text);
// Prints per-item results (rpk's "<ITEM> STATUS" table, or its JSON) as --format asks and
// returns the exit code: 1 when any item failed.
int PrintItemResults(std::string_view item, const std::vector<client::ItemResult>& results,
                     const std::string& format_flag);

// Asks a yes/no question on the terminal. Without a terminal it refuses, so scripts must pass
// --no-confirm explicitly.
Result<bool> Confirm(std::string_view question);

// Ctrl-C, SIGTERM and SIGHUP set a flag instead of killing the process, so streams can flush
// and leave their group. Install once before a long-running loop.
void InstallStopSignals();
bool StopRequested();

// Maps the first -X help / -X list to its text; empty when neither was given.
std::string ConfigHelpRequested(const Context& ctx);

}  // namespace kpk::cli
