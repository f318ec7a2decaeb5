// `kpk profile`: named connection settings in kpk.yaml.
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {

void RegisterProfile(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterProfileCreate(CLI::App* profile, Context& ctx);
void RegisterProfileUse(CLI::App* profile, Context& ctx);
void RegisterProfileList(CLI::App* profile, Context& ctx);
void RegisterProfileDelete(CLI::App* profile, Context& ctx);
void RegisterProfilePrint(CLI::App* profile, Context& ctx);
void RegisterProfileCurrent(CLI::App* profile, Context& ctx);
void RegisterProfileSet(CLI::App* profile, Context& ctx);
void RegisterProfileRenameTo(CLI::App* profile, Context& ctx);
void RegisterProfileEdit(CLI::App* profile, Context& ctx);

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
