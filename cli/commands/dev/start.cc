// `kpk dev start`: a broker in the background with auto topic creation, like rpk container start.
#include <unistd.h>

#include <climits>

#include <fmt/core.h>

#include "cli/commands/dev/dev.h"
#include "cli/commands/dev/dev_instance.h"
#include "cli/config/profile.h"
#include "cli/format/output.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace dev {
namespace {

struct StartOptions {
  int kafka_port = 9092;
  int admin_port = 9644;
  bool any_port = false;
  bool no_profile = false;
  int timeout_ms = 15000;
};

std::string SelfExecutable() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "kpk";
}

void PrintHowToConnect(const dev::Instance& instance, bool profile_created) {
  std::string text;
  if (profile_created) {
    text += "\nCreated \"dev\" profile.\nYou can use kpk to interact with this broker. E.g:\n";
    text += "    kpk cluster info\n    kpk topic create my-topic\n";
  } else {
    text += fmt::format(
        "\nYou can use kpk to interact with this broker. E.g:\n"
        "    kpk cluster info -X brokers={0} -X admin.hosts={1}\n"
        "or:\n    export KPK_BROKERS={0}\n    export KPK_ADMIN_HOSTS={1}\n",
        instance.kafka_address, instance.admin_address);
  }
  text += fmt::format("Other Kafka clients: bootstrap.servers={}\n", instance.kafka_address);
  WriteStdout(text);
}

int Start(const StartOptions& o, const std::string& profile_file) {
  if (auto running = dev::RunningInstance()) {
    WriteStdout("Found a running dev broker:\n\n" + dev::StatusTable(running, true));
    return kExitOk;
  }
  const int kafka_port = o.any_port ? 0 : o.kafka_port;
  const int admin_port = o.any_port ? 0 : o.admin_port;
  auto instance = dev::StartBroker(SelfExecutable(), kafka_port, admin_port,
                                   std::chrono::milliseconds(o.timeout_ms));
  if (!instance) return Fail("start dev broker", instance.error());
  bool profile_created = false;
  if (!o.no_profile) {
    ProfileUpsert upsert{dev::kProfileName,
                         {instance->kafka_address},
                         {instance->admin_address},
                         "kpk dev broker",
                         true};
    Status s = UpsertProfile(profile_file, upsert);
    if (s.ok()) {
      profile_created = true;
    } else {
      Warn(fmt::format("unable to create the dev profile: {}", s.message()));
    }
  }
  WriteStdout(dev::StatusTable(*instance, true));
  PrintHowToConnect(*instance, profile_created);
  return kExitOk;
}

}  // namespace

void RegisterDevStart(CLI::App& dev, Context& ctx) {
  auto o = std::make_shared<StartOptions>();
  CLI::App* cmd = dev.add_subcommand("start", "Start a dev broker in the background");
  cmd->add_option("--kafka-port", o->kafka_port, "Kafka port")->capture_default_str();
  cmd->add_option("--admin-port", o->admin_port, "Admin API port")->capture_default_str();
  cmd->add_flag("--any-port", o->any_port, "Use free ports chosen by the system");
  cmd->add_flag("--no-profile", o->no_profile, "Do not create or update the \"dev\" profile");
  cmd->add_option("--timeout-ms", o->timeout_ms, "How long to wait for the broker to be ready")
      ->capture_default_str();
  OnRun(cmd, ctx, [o, &ctx] { return Start(*o, ProfileFilePath(ctx)); });
}

}  // namespace dev
}  // namespace commands
}  // namespace kpk::cli
