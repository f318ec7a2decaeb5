// kpk cluster health: rpk's CLUSTER HEALTH OVERVIEW, from the Admin API's
// /v1/cluster/health_overview, or derived from Kafka metadata where no Admin API answers
// (Apache Kafka). Exits 10 when the cluster is unhealthy, as rpk does.
#include <chrono>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/client/admin_client.h"
#include "cli/client/cluster_health.h"
#include "cli/commands/cluster/cluster.h"
#include "cli/format/duration.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

using Clock = std::chrono::steady_clock;

// rpk: 10 tells "unhealthy" apart from any other failure (1) and from a crash (2).
constexpr int kExitUnhealthy = 10;
constexpr auto kWatchInterval = std::chrono::seconds(2);
constexpr std::string_view kOverviewPath = "/v1/cluster/health_overview";

struct HealthOptions {
  bool watch = false;
  bool exit_when_healthy = false;
  std::string format;
};

// Where the overview comes from: the first Admin API host that answers, else Kafka metadata
// (decided on the first request and kept, so a watch does not switch between them).
class HealthSource {
 public:
  HealthSource(const Context& ctx, const ConnectionConfig& connection)
      : ctx_(ctx), admin_(connection) {}

  Result<HealthOverview> Get() {
    if (kafka_) return FromKafka();
    std::vector<std::string> unreachable;
    for (const std::string& host : admin_.hosts()) {
      auto answer = admin_.SendTo(host, "GET", kOverviewPath);
      if (!answer) {
        unreachable.push_back(fmt::format("{} ({})", host, answer.error().message()));
        continue;
      }
      if (!answer->ok()) return Err(JsonOf(*answer).error());  // names the status and host
      auto overview = HealthOverviewFromJson(answer->body);
      if (overview) overview->cluster_uuid = ClusterUuid(host);
      return overview;
    }
    Warn(unreachable.empty()
             ? std::string("no Admin API configured: health derived from Kafka metadata")
             : fmt::format("no Admin API at {}: health derived from Kafka metadata",
                           fmt::join(unreachable, ", ")));
    kafka_ = OpenClient(ctx_);
    if (!kafka_) return Err(Status::Unavailable("no Admin API and no Kafka connection"));
    return FromKafka();
  }

 private:
  // rpk prints the cluster UUID when /v1/cluster/uuid answers; asked once.
  std::optional<std::string> ClusterUuid(const std::string& host) {
    if (uuid_asked_) return uuid_;
    uuid_asked_ = true;
    auto answer = admin_.SendTo(host, "GET", "/v1/cluster/uuid");
    if (!answer || !answer->ok()) return uuid_;
    auto j = JsonOf(*answer);
    if (j && j->is_object() && j->contains("cluster_uuid") && (*j)["cluster_uuid"].is_string()) {
      uuid_ = (*j)["cluster_uuid"].get<std::string>();
    }
    return uuid_;
  }

  Result<HealthOverview> FromKafka() {
    auto md = kafka_->Metadata(true);
    if (!md) return Err(md.error());
    return HealthFromMetadata(*md);
  }

  const Context& ctx_;
  client::AdminClient admin_;
  std::optional<client::Client> kafka_;
  bool uuid_asked_ = false;
  std::optional<std::string> uuid_;
};

void Print(const HealthOverview& h, OutputFormat format) {
  if (format == OutputFormat::kText) {
    WriteStdout(RenderHealthOverview(h));
  } else {
    PrintStructured(HealthOverviewJson(h), format);
  }
}

// Sleeps up to `interval`, waking early for Ctrl-C or the deadline.
void Pause(Clock::duration interval, Clock::time_point deadline) {
  const auto until = std::min(Clock::now() + interval, deadline);
  while (Clock::now() < until && !StopRequested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int RunHealth(HealthOptions opts, const Context& ctx) {
  const OutputFormat format = FormatOf(opts.format);
  if (format != OutputFormat::kText && (opts.watch || opts.exit_when_healthy)) {
    return UsageError(
        fmt::format("format type \"{}\" cannot be used along with --watch or --exit-when-healthy",
                    opts.format));
  }
  auto config = LoadConfig(ctx);
  if (!config) return Fail("load config", config.error());
  // rpk: --exit-when-healthy only makes sense while watching.
  const bool watch = opts.watch || opts.exit_when_healthy;
  if (watch) InstallStopSignals();
  const auto timeout = config->connection.command_timeout;
  const auto deadline = Clock::now() + timeout;
  HealthSource source(ctx, config->connection);
  std::optional<HealthOverview> last;
  while (true) {
    auto overview = source.Get();
    if (!overview) return Fail("request cluster health", overview.error());
    if (!last || *last != *overview) Print(*overview, format);
    last = std::move(*overview);
    if (!watch || (opts.exit_when_healthy && last->is_healthy) || StopRequested()) break;
    if (opts.exit_when_healthy && Clock::now() >= deadline) {
      Warn(fmt::format("the cluster is still unhealthy after {} (globals.command_timeout)",
                       FormatDuration(timeout)));
      break;
    }
    Pause(kWatchInterval, opts.exit_when_healthy ? deadline : Clock::time_point::max());
  }
  return last->is_healthy ? kExitOk : kExitUnhealthy;
}

}  // namespace

void RegisterClusterHealth(CLI::App* cluster, Context& ctx) {
  auto opts = std::make_shared<HealthOptions>();
  CLI::App* cmd = cluster->add_subcommand("health", "Queries cluster for health overview");
  cmd->footer(
      "The cluster is healthy when every node responds, every partition has a leader,\n"
      "none is under-replicated, the controller is present and no node is low on disk.\n"
      "It comes from the Admin API (-X admin.hosts); where none answers (Apache Kafka) it is\n"
      "derived from Kafka metadata, as stderr says. Exits 10 when the cluster is unhealthy.");
  cmd->add_flag("-w,--watch", opts->watch,
                "Blocks and writes out all cluster health changes. Only available for "
                "--format=text");
  cmd->add_flag("-e,--exit-when-healthy", opts->exit_when_healthy,
                "Exits when the cluster is back in a healthy state (implies --watch; at most "
                "globals.command_timeout). Only available for --format=text");
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunHealth(*opts, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
