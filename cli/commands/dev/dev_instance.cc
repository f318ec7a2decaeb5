#include "cli/commands/dev/dev_instance.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/client/http_get.h"
#include "cli/format/output.h"
#include "common/file_system.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {
namespace fs = std::filesystem;

std::string DevDirectory() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "kpk" / "dev";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".local" / "share" / "kpk" / "dev";
}

std::string InstanceFile() { return fs::path(DevDirectory()) / "instance.json"; }
std::string LogFile() { return fs::path(DevDirectory()) / "broker.log"; }
std::string DataDirectory() { return fs::path(DevDirectory()) / "data"; }

std::optional<Instance> ReadInstance() {
  std::ifstream in(InstanceFile());
  if (!in) return std::nullopt;
  Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  Instance instance;
  instance.pid = j.value("pid", 0);
  instance.node_id = j.value("node_id", 0);
  instance.kafka_address = j.value("kafka_address", "");
  instance.admin_address = j.value("admin_address", "");
  return instance;
}

Status WriteInstanceFile(const std::string& path, const Instance& instance) {
  Json j = {{"pid", instance.pid},
            {"node_id", instance.node_id},
            {"kafka_address", instance.kafka_address},
            {"admin_address", instance.admin_address}};
  // Not fsynced: the file only matters while the broker process lives.
  return WriteFileAtomically(*DefaultFileSystem(), path, AsBytes(j.dump() + "\n"),
                             /*sync=*/false);
}

bool ProcessAlive(int pid) {
  if (pid <= 0) return false;
  // Reap it first if it is our own exited child, so a zombie does not count as alive.
  int status = 0;
  waitpid(pid, &status, WNOHANG);
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool AdminReady(const std::string& admin_address) {
  size_t colon = admin_address.rfind(':');
  if (colon == std::string::npos) return false;
  auto status =
      HttpGetStatus(admin_address.substr(0, colon), std::atoi(admin_address.c_str() + colon + 1),
                    "/v1/status/ready", std::chrono::seconds(2));
  return status && *status == 200;
}

std::optional<Instance> RunningInstance() {
  auto instance = ReadInstance();
  if (!instance || !ProcessAlive(instance->pid) || !AdminReady(instance->admin_address)) {
    return std::nullopt;
  }
  return instance;
}

namespace {

[[noreturn]] void ExecBroker(const std::string& self_exe, int kafka_port, int admin_port) {
  setsid();
  int null_fd = open("/dev/null", O_RDONLY);
  int log_fd = open(LogFile().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  if (log_fd >= 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
  }
  const std::string kafka = fmt::format("127.0.0.1:{}", kafka_port);
  const std::string admin = fmt::format("127.0.0.1:{}", admin_port);
  const std::string data = DataDirectory();
  const std::string ready = InstanceFile();
  // Redpanda's dev container presets: topics created on first use, and no initial rebalance
  // delay, so that a lone consumer in a quick try-out gets its partitions at once.
  execl(self_exe.c_str(), self_exe.c_str(), "broker", "run", "--data-dir", data.c_str(),
        "--kafka-addr", kafka.c_str(), "--admin-addr", admin.c_str(), "--auto-create-topics",
        "--group-initial-rebalance-delay-ms", "0", "--instance-file", ready.c_str(),
        static_cast<char*>(nullptr));
  _exit(127);
}

}  // namespace

Result<Instance> StartBroker(const std::string& self_exe, int kafka_port, int admin_port,
                             std::chrono::milliseconds timeout) {
  std::error_code ec;
  fs::create_directories(DataDirectory(), ec);
  if (ec)
    return Err(Status::IOError(fmt::format("cannot create {}: {}", DataDirectory(), ec.message())));
  fs::remove(InstanceFile(), ec);
  pid_t pid = fork();
  if (pid < 0) return Err(Status::FromErrno(errno, "fork"));
  if (pid == 0) ExecBroker(self_exe, kafka_port, admin_port);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!ProcessAlive(pid)) {
      return Err(
          Status::Unavailable(fmt::format("the broker exited during startup; see {}", LogFile())));
    }
    auto instance = ReadInstance();
    if (instance && instance->pid == pid && AdminReady(instance->admin_address)) return *instance;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  return Err(Status::TimedOut(
      fmt::format("the broker was not ready within {} ms; see {}", timeout.count(), LogFile())));
}

Status StopBroker(const Instance& instance, std::chrono::milliseconds grace) {
  if (!ProcessAlive(instance.pid)) return Status::OK();
  if (kill(instance.pid, SIGTERM) != 0 && errno != ESRCH) {
    return Status::FromErrno(errno, fmt::format("signal pid {}", instance.pid));
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!ProcessAlive(instance.pid)) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(instance.pid, SIGKILL);
  return Status::TimedOut(
      fmt::format("pid {} did not stop within {} ms and was killed", instance.pid, grace.count()));
}

std::string StatusTable(const std::optional<Instance>& instance, bool running) {
  Table table({"node-id", "status", "kafka-address", "admin-address"});
  if (instance) {
    table.AddRow({std::to_string(instance->node_id), running ? "running" : "stopped",
                  instance->kafka_address, instance->admin_address});
  }
  return table.Render();
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
