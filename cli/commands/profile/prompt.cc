// kpk profile prompt: the current profile's `prompt` field rendered with ANSI colours for a
// shell's PS1, as `rpk profile prompt`. Without --validate a problem prints nothing and exits 0,
// so a broken prompt never breaks the shell.
#include <memory>

#include "cli/commands/profile/profile.h"
#include "cli/config/prompt.h"
#include "cli/format/text.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {
namespace {

int RunPrompt(bool validate, const Context& ctx) {
  auto problem = [validate](const std::string& message) {
    return validate ? Fail("render the prompt", message) : kExitOk;
  };
  auto file = LoadProfileFile(ProfileFilePath(ctx));
  if (!file) return problem(file.error().message());
  if (!file->exists) return problem("the profile file is missing");
  std::string name = ctx.global.profile.empty() ? file->current_profile : ctx.global.profile;
  const Profile* p = file->Find(name);
  if (p == nullptr) return problem("current profile " + Quote(name) + " does not exist");
  auto rendered = RenderPrompt(PromptOf(*file, *p), p->name);
  if (!rendered) return problem(rendered.error().message());
  WriteStdout(validate ? "Prompt ok! Output:\nvvv\n" + *rendered + "\n^^^\n" : *rendered);
  return kExitOk;
}

}  // namespace

void RegisterProfilePrompt(CLI::App* profile, Context& ctx) {
  auto validate = std::make_shared<bool>(false);
  CLI::App* cmd =
      profile->add_subcommand("prompt", "Prompt a profile name formatted for a PS1 prompt");
  cmd->footer(
      "Prints the current profile's \"prompt\" field (else globals' prompt) with ANSI colours;\n"
      "nothing when there is none. Use PS1='$(kpk profile prompt)'.\n"
      "The field is colour and modifier words and one quoted text, in which %p or %n is the\n"
      "profile name and %% a percent sign:  prompt: hi-white, bg-red, bold, \"[%p]\"\n"
      "Several parts go in parentheses:     prompt: (\"--\") (hi-white bg-red \"[%p]\")\n"
      "Colours: black red green yellow blue magenta cyan white, hi-<colour>, bg-<colour>,\n"
      "bg-hi-<colour>; modifiers: bold faint underline invert.");
  cmd->add_flag("--validate", *validate, "Exit with an error message if the prompt is invalid");
  OnRun(cmd, ctx, [validate, &ctx] { return RunPrompt(*validate, ctx); });
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
