#include "cli/config/config.h"

#include <fmt/core.h>

#include "cli/format/duration.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace config {
namespace {

constexpr ConfigKey kKeys[] = {
    {"brokers", "kafka_api.brokers", "host:port list",
     "Kafka bootstrap brokers, comma separated (default 127.0.0.1:9092)"},
    {"tls.enabled", "kafka_api.tls.enabled", "bool", "Use TLS for the Kafka API"},
    {"tls.ca", "kafka_api.tls.ca_file", "file", "CA certificate for the Kafka API (implies TLS)"},
    {"tls.cert", "kafka_api.tls.cert_file", "file",
     "Client certificate for the Kafka API (implies TLS; needs tls.key)"},
    {"tls.key", "kafka_api.tls.key_file", "file",
     "Client key for the Kafka API (implies TLS; needs tls.cert)"},
    {"tls.insecure_skip_verify", "kafka_api.tls.insecure_skip_verify", "bool",
     "Do not verify the brokers' certificates"},
    {"sasl.mechanism", "kafka_api.sasl.mechanism", "PLAIN|SCRAM-SHA-256|SCRAM-SHA-512",
     "SASL mechanism for the Kafka API"},
    {"user", "kafka_api.sasl.user", "text", "SASL user; also Basic auth user for the Admin API"},
    {"pass", "kafka_api.sasl.password", "text",
     "SASL password; also Basic auth password for the Admin API"},
    {"admin.hosts", "admin_api.addresses", "host:port list",
     "Admin API hosts, comma separated (default 127.0.0.1:9644)"},
    {"admin.tls.enabled", "admin_api.tls.enabled", "bool", "Use HTTPS for the Admin API"},
    {"admin.tls.ca", "admin_api.tls.ca_file", "file", "CA certificate for the Admin API"},
    {"admin.tls.cert", "admin_api.tls.cert_file", "file", "Client certificate for the Admin API"},
    {"admin.tls.key", "admin_api.tls.key_file", "file", "Client key for the Admin API"},
    {"admin.tls.insecure_skip_verify", "admin_api.tls.insecure_skip_verify", "bool",
     "Do not verify the Admin API's certificate"},
    {"globals.dial_timeout", "globals.dial_timeout", "duration",
     "How long to wait for a connection to a broker (default 3s)"},
    {"globals.request_timeout_overhead", "globals.request_timeout_overhead", "duration",
     "Extra time a request may take beyond its own timeout (default 10s)"},
    {"globals.command_timeout", "globals.command_timeout", "duration",
     "Bound on every wait of a command, e.g. an admin request (default 30s)"},
};

bool HasKey(const ConfigValues& v, std::string_view key) { return v.find(key) != v.end(); }

const std::string* Get(const ConfigValues& v, std::string_view key) {
  auto it = v.find(key);
  return it == v.end() ? nullptr : &it->second;
}

// host -> host:port; keeps an explicit port; brackets a bare IPv6 address.
std::string WithDefaultPort(std::string host, int port) {
  size_t colon = host.rfind(':');
  bool bracketed = !host.empty() && host.front() == '[';
  bool has_port =
      colon != std::string::npos && (bracketed ? host.find(']') < colon : host.find(':') == colon);
  if (has_port) return host;
  if (!bracketed && colon != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}:{}", host, port);
}

std::string HostOnly(const std::string& host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    size_t end = host_port.find(']');
    return host_port.substr(0, end + 1);
  }
  size_t colon = host_port.rfind(':');
  return colon == std::string::npos ? host_port : host_port.substr(0, colon);
}

Result<std::vector<std::string>> ParseHosts(std::string_view key, const std::string& raw,
                                            int port) {
  std::vector<std::string> hosts;
  for (std::string& host : SplitList(raw)) hosts.push_back(WithDefaultPort(std::move(host), port));
  if (hosts.empty()) return Err(Status::InvalidArgument(fmt::format("{} is empty", key)));
  return hosts;
}

Status ParseBoolInto(const ConfigValues& v, std::string_view key, bool* out) {
  const std::string* raw = Get(v, key);
  if (raw == nullptr) return Status::OK();
  std::optional<bool> b = ParseBool(*raw);
  if (!b) return Status::InvalidArgument(fmt::format("{}: {} is not a bool", key, Quote(*raw)));
  *out = *b;
  return Status::OK();
}

Status ParseTimeoutInto(const ConfigValues& v, std::string_view key,
                        std::chrono::milliseconds* out) {
  const std::string* raw = Get(v, key);
  if (raw == nullptr) return Status::OK();
  Result<std::chrono::nanoseconds> d = ParseDuration(Trim(*raw));
  if (!d) return Status::InvalidArgument(fmt::format("{}: {}", key, d.error().message()));
  if (d->count() < 0) {
    return Status::InvalidArgument(fmt::format("{}: must not be negative, got {}", key, *raw));
  }
  if (d->count() == 0) return Status::OK();  // rpk writes 0s for "the default"
  *out = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  if (out->count() == 0) *out = std::chrono::milliseconds(1);
  return Status::OK();
}

// Fills one TLS block from keys under `prefix` ("tls." or "admin.tls."). Giving any file
// implies TLS, as rpk does.
Status ParseTls(const ConfigValues& v, const std::string& prefix, TlsConfig* tls) {
  if (Status s = ParseBoolInto(v, prefix + "enabled", &tls->enabled); !s.ok()) return s;
  if (Status s = ParseBoolInto(v, prefix + "insecure_skip_verify", &tls->insecure_skip_verify);
      !s.ok()) {
    return s;
  }
  if (const std::string* ca = Get(v, prefix + "ca")) tls->ca_file = *ca;
  if (const std::string* cert = Get(v, prefix + "cert")) tls->cert_file = *cert;
  if (const std::string* key = Get(v, prefix + "key")) tls->key_file = *key;
  if (tls->cert_file.empty() != tls->key_file.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}cert and {}key must be given together", prefix, prefix));
  }
  bool any_file = !tls->ca_file.empty() || !tls->cert_file.empty();
  if (any_file || tls->insecure_skip_verify) tls->enabled = true;
  return Status::OK();
}

bool HasTlsKeys(const ConfigValues& v, const std::string& prefix) {
  for (const char* k : {"enabled", "ca", "cert", "key", "insecure_skip_verify"}) {
    if (HasKey(v, prefix + k)) return true;
  }
  return false;
}

Status ParseSasl(const ConfigValues& v, SaslConfig* sasl) {
  if (const std::string* m = Get(v, "sasl.mechanism")) sasl->mechanism = ToUpper(Trim(*m));
  if (const std::string* u = Get(v, "user")) sasl->user = *u;
  if (const std::string* p = Get(v, "pass")) sasl->password = *p;
  const std::string& m = sasl->mechanism;
  if (!m.empty() && m != "PLAIN" && m != "SCRAM-SHA-256" && m != "SCRAM-SHA-512") {
    return Status::InvalidArgument(fmt::format(
        "sasl.mechanism: unsupported {} (use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", Quote(m)));
  }
  if (!m.empty() && sasl->user.empty()) {
    return Status::InvalidArgument("sasl.mechanism needs user and pass");
  }
  return Status::OK();
}

}  // namespace

std::span<const ConfigKey> ConfigKeys() { return kKeys; }

const ConfigKey* FindConfigKey(std::string_view name_or_yaml_path) {
  for (const ConfigKey& k : kKeys) {
    if (k.name == name_or_yaml_path || k.yaml_path == name_or_yaml_path) return &k;
  }
  return nullptr;
}

std::string EnvVarForKey(std::string_view name) {
  std::string env = "KPK_" + ToUpper(name);
  for (char& c : env) {
    if (c == '.') c = '_';
  }
  return env;
}

Result<ConfigValues> ParseConfigFlags(const std::vector<std::string>& flags) {
  ConfigValues values;
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    if (eq == std::string::npos) {
      return Err(Status::InvalidArgument(
          fmt::format("-X {}: expected key=value (-X help lists the keys)", Quote(flag))));
    }
    std::string key(Trim(std::string_view(flag).substr(0, eq)));
    const ConfigKey* known = FindConfigKey(key);
    if (known == nullptr) {
      return Err(Status::InvalidArgument(
          fmt::format("-X: unknown key {} (-X list shows the keys)", Quote(key))));
    }
    values[std::string(known->name)] = flag.substr(eq + 1);
  }
  return values;
}

ConfigValues ConfigValuesFromEnv(const std::function<const char*(const char*)>& getenv) {
  ConfigValues values;
  for (const ConfigKey& k : kKeys) {
    const char* v = getenv(EnvVarForKey(k.name).c_str());
    if (v != nullptr) values[std::string(k.name)] = v;
  }
  return values;
}

ConfigValues ConfigValuesFromRpkEnv(const std::function<const char*(const char*)>& getenv) {
  // rpk's pre-profile variable names (rpk's config/params.go), oldest first so RPK_* win.
  static constexpr std::pair<const char*, const char*> kLegacy[] = {
      {"REDPANDA_BROKERS", "brokers"},
      {"REDPANDA_TLS_TRUSTSTORE", "tls.ca"},
      {"REDPANDA_TLS_CA", "tls.ca"},
      {"REDPANDA_TLS_CERT", "tls.cert"},
      {"REDPANDA_TLS_KEY", "tls.key"},
      {"REDPANDA_SASL_MECHANISM", "sasl.mechanism"},
      {"REDPANDA_SASL_USERNAME", "user"},
      {"REDPANDA_SASL_PASSWORD", "pass"},
      {"REDPANDA_API_ADMIN_ADDRS", "admin.hosts"},
      {"REDPANDA_ADMIN_TLS_TRUSTSTORE", "admin.tls.ca"},
      {"REDPANDA_ADMIN_TLS_CA", "admin.tls.ca"},
      {"REDPANDA_ADMIN_TLS_CERT", "admin.tls.cert"},
      {"REDPANDA_ADMIN_TLS_KEY", "admin.tls.key"},
  };
  ConfigValues values;
  for (auto [env, key] : kLegacy) {
    if (const char* v = getenv(env)) values[key] = v;
  }
  for (const ConfigKey& k : kKeys) {
    std::string env = "RPK" + EnvVarForKey(k.name).substr(3);
    if (const char* v = getenv(env.c_str())) values[std::string(k.name)] = v;
  }
  return values;
}

Result<ConnectionConfig> ResolveConnection(const ConfigLayers& layers) {
  ConfigValues merged = layers.redpanda_yaml;
  for (const ConfigValues* layer : {&layers.profile, &layers.rpk_env, &layers.env, &layers.flags}) {
    for (const auto& [k, v] : *layer) merged[k] = v;
  }

  ConnectionConfig cfg;
  if (Status s = ParseTls(merged, "tls.", &cfg.kafka_tls); !s.ok()) return Err(s);
  if (Status s = ParseTls(merged, "admin.tls.", &cfg.admin_tls); !s.ok()) return Err(s);
  if (Status s = ParseSasl(merged, &cfg.sasl); !s.ok()) return Err(s);
  for (auto [key, field] :
       {std::pair{"globals.dial_timeout", &cfg.dial_timeout},
        std::pair{"globals.request_timeout_overhead", &cfg.request_timeout_overhead},
        std::pair{"globals.command_timeout", &cfg.command_timeout}}) {
    if (Status s = ParseTimeoutInto(merged, key, field); !s.ok()) return Err(s);
  }

  const std::string* brokers = Get(merged, "brokers");
  const std::string* admin = Get(merged, "admin.hosts");
  if (brokers != nullptr) {
    auto hosts = ParseHosts("brokers", *brokers, kDefaultKafkaPort);
    if (!hosts) return Err(hosts.error());
    cfg.brokers = std::move(*hosts);
  }
  if (admin != nullptr) {
    auto hosts = ParseHosts("admin.hosts", *admin, kDefaultAdminPort);
    if (!hosts) return Err(hosts.error());
    cfg.admin_hosts = std::move(*hosts);
  }
  // Only one side given: the other side is the same machines on its own default port, and
  // shares the TLS settings unless it has its own.
  if (brokers == nullptr && admin != nullptr) {
    for (const std::string& h : cfg.admin_hosts) {
      cfg.brokers.push_back(fmt::format("{}:{}", HostOnly(h), kDefaultKafkaPort));
    }
    if (!HasTlsKeys(merged, "tls.")) cfg.kafka_tls = cfg.admin_tls;
  } else if (admin == nullptr && brokers != nullptr) {
    for (const std::string& h : cfg.brokers) {
      cfg.admin_hosts.push_back(fmt::format("{}:{}", HostOnly(h), kDefaultAdminPort));
    }
    if (!HasTlsKeys(merged, "admin.tls.")) cfg.admin_tls = cfg.kafka_tls;
  } else if (brokers == nullptr && admin == nullptr) {
    cfg.brokers = {fmt::format("{}:{}", kDefaultBrokerHost, kDefaultKafkaPort)};
    cfg.admin_hosts = {fmt::format("{}:{}", kDefaultBrokerHost, kDefaultAdminPort)};
  }
  return cfg;
}

std::string ConfigKeysHelp() {
  std::string out =
      "Connection settings are given with -X key=value (repeatable), KPK_<KEY> environment\n"
      "variables (KPK_BROKERS, KPK_TLS_CA, KPK_ADMIN_HOSTS, ...), or a profile in kpk.yaml.\n"
      "rpk's sources work too: RPK_<KEY> (and REDPANDA_*) variables, rpk's legacy flags\n"
      "(--brokers, --user, --password, --sasl-mechanism, --tls-*, --api-urls), rpk.yaml when\n"
      "there is no kpk.yaml, and a redpanda.yaml's rpk: section given with --config.\n"
      "Precedence: -X > legacy flags > KPK_* > RPK_* > profile > redpanda.yaml > defaults.\n\n";
  for (const ConfigKey& k : kKeys) {
    out += fmt::format("{}={}\n    {}\n    env {}, profile {}\n\n", k.name, k.type, k.help,
                       EnvVarForKey(k.name), k.yaml_path);
  }
  return out;
}

std::string ConfigKeysList() {
  std::string out;
  for (const ConfigKey& k : kKeys) out += fmt::format("{}={}\n", k.name, k.type);
  return out;
}

}  // namespace config
}  // namespace kpk::cli
