// rpk's profile prompt: `prompt: hi-white, bg-red, bold, "[%p]"` in a profile (or in globals)
// becomes ANSI-coloured text for a shell's PS1, printed by `kpk profile prompt`.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace config {

// Renders `prompt` for profile `name`. The prompt is one group, or several in parentheses
// ("(\"--\") (red \"[%p]\")"); a group is colour and modifier words (separated by spaces or
// commas) and at most one quoted text in which %p and %n are the profile name and %% is %.
// A group without text prints the name. Colours: black red green yellow blue magenta cyan
// white, "hi-" for high intensity, "bg-" for the background; modifiers: bold faint underline
// invert. An empty prompt renders as "". Errors say what is wrong, as rpk's --validate does.
Result<std::string> RenderPrompt(std::string_view prompt, std::string_view name);

}  // namespace config
}  // namespace kpk::cli
