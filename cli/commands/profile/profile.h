// `kpk profile`: named connection settings in kpk.yaml.
#pragma once

#include <string>

#include "cli/command.h"
#include "common/status.h"

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
void RegisterProfileClear(CLI::App* profile, Context& ctx);
void RegisterProfilePrompt(CLI::App* profile, Context& ctx);
void RegisterProfileSetGlobals(CLI::App* profile, Context& ctx);
void RegisterProfilePrintGlobals(CLI::App* profile, Context& ctx);
void RegisterProfileEditGlobals(CLI::App* profile, Context& ctx);

// Opens `text` in $EDITOR (default vi) and returns what was saved (editor.cc).
Result<std::string> EditText(const std::string& text);

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
