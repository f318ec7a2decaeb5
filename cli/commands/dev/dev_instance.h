// The background dev broker that `kpk dev` manages: where it keeps its files, whether it is
// running, and how to start and stop it. Shared by the dev verbs.
//
// Layout under $XDG_DATA_HOME/kpk/dev (else ~/.local/share/kpk/dev):
//   data/          the broker's data directory
//   broker.log     its stderr
//   instance.json  written by the broker once listening: pid, node id, addresses
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/status.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {

struct Instance {
  int pid = 0;
  int node_id = 0;
  std::string kafka_address;  // host:port
  std::string admin_address;  // host:port
};

std::string DevDirectory();

// The profile `kpk dev start` creates and `kpk dev purge` deletes.
inline constexpr const char* kProfileName = "dev";
std::string InstanceFile();
std::string LogFile();
std::string DataDirectory();

// The recorded instance, if its file exists (the process may have died since).
std::optional<Instance> ReadInstance();
Status WriteInstanceFile(const std::string& path, const Instance& instance);
bool ProcessAlive(int pid);

// The recorded instance if its process is alive and answers the Admin API's readiness check.
std::optional<Instance> RunningInstance();

// Starts `kpk broker run` detached (own session, output to the log) and waits until it is ready
// or `timeout` passes.
Result<Instance> StartBroker(const std::string& self_exe, int kafka_port, int admin_port,
                             std::chrono::milliseconds timeout);

// SIGTERM, then SIGKILL if it has not exited within `grace`.
Status StopBroker(const Instance& instance, std::chrono::milliseconds grace);

// GET /v1/status/ready answered 200.
bool AdminReady(const std::string& admin_address);

// "NODE-ID STATUS KAFKA-ADDRESS ADMIN-ADDRESS", as `rpk container status` prints it.
std::string StatusTable(const std::optional<Instance>& instance, bool running);

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
