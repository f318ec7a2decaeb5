// kpk cluster config edit [--all]: opens $EDITOR on an export and imports what was saved.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "cli/commands/cluster/config/config.h"
#include "cli/commands/cluster/config/source.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

// $EDITOR may carry arguments ("code --wait"): the shell splits it, the file is one argument.
int RunConfigEditor(const std::string& editor, const std::string& path) {
  std::string command = editor + " \"$1\"";
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), "sh", path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunConfigEdit(bool all, const Context& ctx) {
  std::unique_ptr<ClusterConfigSource> source = OpenConfigSource(ctx);
  if (!source) return kExitFailure;
  auto schema = source->Schema();
  if (!schema) return Fail("query config schema", schema.error());
  auto current = source->Values(/*include_defaults=*/true);
  if (!current) return Fail("get current config", current.error());

  std::string path = "/tmp/config_XXXXXX.yaml";
  int fd = ::mkstemps(path.data(), 5);
  if (fd < 0)
    return Fail("edit", fmt::format("unable to create temporary file: {}", std::strerror(errno)));
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove_file{path};
  {
    std::ofstream out(path, std::ios::trunc);
    out << ExportYaml(*schema, *current, all);
    if (!out) return Fail("edit", fmt::format("failed to write out config file \"{}\"", path));
  }
  const char* env = std::getenv("EDITOR");
  std::string editor = env != nullptr ? env : "";
  if (editor.empty()) {
    if (::access("/usr/bin/nano", X_OK) != 0)
      return Fail("edit", "please set $EDITOR to use this command");
    editor = "/usr/bin/nano";
  }
  if (int rc = RunConfigEditor(editor, path); rc != 0) {
    return Fail("edit", fmt::format("error running editor: exit status {}", rc));
  }
  // What the file showed is the baseline: a line deleted resets its property.
  return ImportConfig(*source, path, *schema, *current, *current, all);
}

}  // namespace

void RegisterClusterConfigEdit(CLI::App* config, Context& ctx) {
  auto all = std::make_shared<bool>(false);
  CLI::App* cmd = config->add_subcommand("edit", "Edit cluster configuration properties");
  cmd->footer(
      "Opens $EDITOR on the cluster configuration. Modified values are written back when the\n"
      "file is saved and the editor exits; deleted properties are reset to their defaults.\n"
      "Low level tunables are left out unless --all is given.");
  cmd->add_flag("--all", *all, "Include all properties, including tunables");
  OnRun(cmd, ctx, [all, &ctx] { return RunConfigEdit(*all, ctx); });
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
