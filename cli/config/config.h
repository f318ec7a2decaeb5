// Connection settings: the -X keys, their KPK_* environment twins, and the precedence that
// merges them with the profile into one ConnectionConfig.
//
// Every source is first turned into the same flat form, key -> raw text, keyed by the -X name
// ("brokers", "tls.ca", "admin.hosts", ...). Resolving then merges the layers
// (-X > env > profile) and parses the result once, so every source is validated the same way
// and precedence is a map merge.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kpk::cli {
inline namespace config {

inline constexpr std::string_view kDefaultBrokerHost = "127.0.0.1";
inline constexpr int kDefaultKafkaPort = 9092;
inline constexpr int kDefaultAdminPort = 9644;

struct TlsConfig {
  bool enabled = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure_skip_verify = false;
};

struct SaslConfig {
  std::string mechanism;  // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; empty = no SASL
  std::string user;
  std::string password;
};

struct ConnectionConfig {
  std::vector<std::string> brokers;  // host:port
  TlsConfig kafka_tls;
  SaslConfig sasl;                       // Kafka SASL, and Basic auth for the Admin API
  std::vector<std::string> admin_hosts;  // host:port
  TlsConfig admin_tls;
  std::chrono::milliseconds dial_timeout{3000};
  std::chrono::milliseconds request_timeout_overhead{10000};
  std::chrono::milliseconds command_timeout{30000};  // bound on every wait of a command
};

// One -X key: its name, where it lives in a profile, and what it means.
struct ConfigKey {
  std::string_view name;       // -X name, e.g. "tls.ca"
  std::string_view yaml_path;  // path in a kpk.yaml profile, e.g. "kafka_api.tls.ca_file"
  std::string_view type;       // for -X help: "host:port list", "bool", "file", ...
  std::string_view help;
};

std::span<const ConfigKey> ConfigKeys();
const ConfigKey* FindConfigKey(std::string_view name_or_yaml_path);
// "KPK_" + upper-cased name with '.' as '_': tls.ca -> KPK_TLS_CA.
std::string EnvVarForKey(std::string_view name);

// Raw settings from one source, keyed by -X name.
using ConfigValues = std::map<std::string, std::string, std::less<>>;

// Parses "-X key=value" arguments; unknown keys and missing '=' are errors.
Result<ConfigValues> ParseConfigFlags(const std::vector<std::string>& flags);
// Reads KPK_* variables through `getenv` (injectable for tests).
ConfigValues ConfigValuesFromEnv(const std::function<const char*(const char*)>& getenv);
// Reads rpk's variables: RPK_<KEY> for every key (RPK_BROKERS, RPK_TLS_CA, ...), and the
// older REDPANDA_* names rpk still honours (REDPANDA_BROKERS, REDPANDA_SASL_USERNAME, ...),
// which RPK_* override.
ConfigValues ConfigValuesFromRpkEnv(const std::function<const char*(const char*)>& getenv);

struct ConfigLayers {
  ConfigValues redpanda_yaml;  // a redpanda.yaml's rpk: section
  ConfigValues profile;
  ConfigValues rpk_env;
  ConfigValues env;
  ConfigValues flags;  // -X over rpk's legacy flags
};

// Merges flags > env (KPK_*) > rpk_env > profile > redpanda_yaml > defaults and validates the
// result. When only one of
// brokers / admin hosts is given, the other defaults to the same hosts on its default port.
Result<ConnectionConfig> ResolveConnection(const ConfigLayers& layers);

// The text printed by `-X help` (long form) and `-X list` (names only).
std::string ConfigKeysHelp();
std::string ConfigKeysList();

}  // namespace config
}  // namespace kpk::cli
