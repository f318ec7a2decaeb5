#include "cli/commands/generate/generate.h"

namespace kpk::cli {
inline namespace commands {
inline namespace generate {

void RegisterGenerate(CLI::App& root, Context& ctx) {
  CLI::App* generate =
      root.add_subcommand("generate", "Generate a configuration template for related services");
  generate->alias("gen");
  generate->require_subcommand(1);
  RegisterGeneratePrometheusConfig(generate, ctx);
  RegisterGenerateGrafanaDashboard(generate, ctx);
}

}  // namespace generate
}  // namespace commands
}  // namespace kpk::cli
