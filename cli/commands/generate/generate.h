// `kpk generate`: configuration for tools around a cluster (Prometheus, Grafana).
#pragma once

#include "cli/command.h"

namespace kpk::cli {
inline namespace commands {
inline namespace generate {

void RegisterGenerate(CLI::App& root, Context& ctx);

// Verbs, one per file.
void RegisterGeneratePrometheusConfig(CLI::App* generate, Context& ctx);
void RegisterGenerateGrafanaDashboard(CLI::App* generate, Context& ctx);

}  // namespace generate
}  // namespace commands
}  // namespace kpk::cli
