#include "cli/runtime.h"

#include "cli/client/result_view.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>

#include <fmt/core.h>

#include "cli/format/text.h"
#include "common/log.h"

namespace kpk::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop = true; }

}  // namespace

Result<LoadedConfig> LoadConfig(const Context& ctx) {
  ConfigSources sources;
  sources.config_path = ctx.global.config_file;
  sources.profile_name = ctx.global.profile;
  sources.config_flags = ctx.global.config_opts;
  for (const auto& [key, value] : ctx.global.legacy_opts) sources.legacy_flags[key] = value;
  Result<LoadedConfig> loaded = LoadConnectionConfig(sources);
  if (loaded) {
    Debug("config: {} profile {} brokers {} admin {}", loaded->path,
          loaded->profile_name.empty() ? "(none)" : Quote(loaded->profile_name),
          Join(loaded->connection.brokers, ","), Join(loaded->connection.admin_hosts, ","));
  }
  return loaded;
}

std::string ProfileFilePath(const Context& ctx) {
  return ctx.global.config_file.empty() ? ActiveProfilePath() : ctx.global.config_file;
}

const Profile* FindProfileOrFail(const ProfileFile& file, const std::string& name) {
  std::string wanted = name.empty() ? file.current_profile : name;
  if (wanted.empty()) {
    Fail("find profile", "no profile is selected (kpk profile use NAME)");
    return nullptr;
  }
  const Profile* p = file.Find(wanted);
  if (p == nullptr) Fail("find profile", "profile " + Quote(wanted) + " does not exist");
  return p;
}

std::optional<client::Client> OpenClient(const Context& ctx, const client::ClientOptions& options) {
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) {
    Fail("load config", loaded.error());
    return std::nullopt;
  }
  Result<client::Client> client = client::Client::Open(loaded->connection, options);
  if (!client) {
    Fail("initialize kafka client", client.error());
    return std::nullopt;
  }
  return std::move(*client);
}

std::optional<client::AdminClient> OpenAdmin(const Context& ctx) {
  Result<LoadedConfig> loaded = LoadConfig(ctx);
  if (!loaded) {
    Fail("load config", loaded.error());
    return std::nullopt;
  }
  return client::AdminClient(loaded->connection);
}

int Fail(std::string_view what, const Status& cause) { return Fail(what, cause.message()); }

int Fail(std::string_view what, std::string_view cause) {
  WriteStderr(Colorize(fmt::format("unable to {}: {}", what, cause), Color::kRed, stderr));
  return kExitFailure;
}

int UsageError(std::string_view message) {
  WriteStderr(message);
  return kExitUsage;
}

void Warn(std::string_view message) {
  WriteStderr(Colorize(fmt::format("warning: {}", message), Color::kYellow, stderr));
}

void AddFormatFlag(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format, "Output format: text, json or yaml")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "wide", "json", "yaml"}));
}

namespace {

struct RegisteredShape {
  const std::string* format = nullptr;  // the command's --format value
  FormatShape shape;
};

// Commands are registered once, before parsing, on the main thread. Never destroyed, so that
// exiting adds no work while librdkafka's threads may still be winding down.
std::map<const CLI::App*, RegisteredShape>& Shapes() {
  static auto* shapes = new std::map<const CLI::App*, RegisteredShape>;
  return *shapes;
}

}  // namespace

void AddFormatFlag(CLI::App* cmd, std::string* format, FormatShape shape) {
  cmd->add_option("--format", *format,
                  "Output format: text, json or yaml; help prints the json/yaml shape")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "wide", "json", "yaml", "help"}));
  Shapes()[cmd] = {format, std::move(shape)};
}

std::function<int()> FormatHelpAction(const CLI::App* cmd) {
  auto it = Shapes().find(cmd);
  if (it == Shapes().end() || *it->second.format != "help") return nullptr;
  FormatShape shape = it->second.shape;
  return [shape] {
    WriteStdout(shape() + "\n");  // rpk's out.Exit adds the newline
    return kExitOk;
  };
}

OutputFormat FormatOf(const std::string& flag) {
  Result<OutputFormat> f = ParseOutputFormat(flag.empty() ? "text" : flag);
  return f ? *f : OutputFormat::kText;
}

void PrintStructured(const Json& doc, OutputFormat format) {
  WriteStdout(RenderStructured(doc, format));
}

void PrintAs(OutputFormat format, const Json& doc, std::string_view text) {
  if (format != OutputFormat::kText) {
    PrintStructured(doc, format);
  } else {
    WriteStdout(text);
  }
}

int PrintItemResults(std::string_view item, const std::vector<client::ItemResult>& results,
                     const std::string& format_flag) {
  OutputFormat format = FormatOf(format_flag);
  if (format != OutputFormat::kText) {
    PrintStructured(ItemResultsJson(item, results), format);
  } else {
    WriteStdout(RenderItemResults(item, results));
  }
  return AllOk(results) ? kExitOk : kExitFailure;
}

Result<bool> Confirm(std::string_view question) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0 || !::isatty(STDIN_FILENO)) {
    if (fd >= 0) ::close(fd);
    return Err(Status::InvalidArgument(
        "confirmation needs a terminal; pass --no-confirm to run without asking"));
  }
  std::string prompt = fmt::format("{} [y/N] ", question);
  (void)!::write(fd, prompt.data(), prompt.size());
  char buf[64] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  std::string answer = ToLower(Trim(std::string_view(buf, n > 0 ? static_cast<size_t>(n) : 0)));
  return answer == "y" || answer == "yes";
}

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool StopRequested() { return g_stop.load(std::memory_order_relaxed); }

std::string ConfigHelpRequested(const Context& ctx) {
  for (const std::string& opt : ctx.global.config_opts) {
    if (opt == "help") return ConfigKeysHelp();
    if (opt == "list") return ConfigKeysList();
  }
  return {};
}

}  // namespace kpk::cli
