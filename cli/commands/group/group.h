// `kpk group` (alias g): list, describe, seek and delete consumer groups.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {

void RegisterGroup(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterGroupList(CLI::App* group, Context& ctx);
void RegisterGroupDescribe(CLI::App* group, Context& ctx);
void RegisterGroupSeek(CLI::App* group, Context& ctx);
void RegisterGroupDelete(CLI::App* group, Context& ctx);
void RegisterGroupOffsetDelete(CLI::App* group, Context& ctx);

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
