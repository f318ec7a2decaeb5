// kpk.yaml profiles: load/save round trip, rpk's shape, set, upsert, and config loading.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "cli/config/profile.h"

namespace kpk::cli {
namespace {

// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/kpk-profile-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string File(const char* name) const { return (path / name).string(); }
};

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_CASE("a missing file loads as empty") {
  TempDir dir;
  auto file = LoadProfileFile(dir.File("none.yaml"));
  REQUIRE(file.has_value());
  CHECK_FALSE(file->exists);
  CHECK(file->profiles.empty());
}

TEST_CASE("rpk.yaml-shaped files load, including an empty tls block meaning TLS on") {
  TempDir dir;
  std::string path = dir.File("kpk.yaml");
  WriteText(path, R"(version: 1
current_profile: prod
profiles:
  - name: prod
    description: Production
    kafka_api:
      brokers: [k1:9092, k2:9092]
      tls: {}
      sasl: {user: alice, password: pw, mechanism: SCRAM-SHA-256}
    admin_api:
      addresses: [k1:9644]
  - name: dev
    kafka_api: {brokers: [127.0.0.1:19092]}
globals:
  dial_timeout: 1s
)");
  auto file = LoadProfileFile(path);
  REQUIRE(file.has_value());
  CHECK(file->current_profile == "prod");
  REQUIRE(file->profiles.size() == 2);
  const Profile& prod = file->profiles[0];
  CHECK(prod.description == "Production");
  CHECK(prod.values.at("brokers") == "k1:9092,k2:9092");
  CHECK(prod.values.at("tls.enabled") == "true");
  CHECK(prod.values.at("user") == "alice");
  CHECK(prod.values.at("pass") == "pw");
  CHECK(prod.values.at("sasl.mechanism") == "SCRAM-SHA-256");
  CHECK(prod.values.at("admin.hosts") == "k1:9644");
  CHECK(file->globals.at("globals.dial_timeout") == "1s");
}

TEST_CASE("save then load round-trips") {
  TempDir dir;
  std::string path = dir.File("sub/kpk.yaml");  // the directory is created
  ProfileFile file;
  Profile p{"local", "Local broker", {}};
  REQUIRE(SetProfileValue(p, "brokers", "127.0.0.1:9092").ok());
  REQUIRE(SetProfileValue(p, "kafka_api.tls.ca_file", "/ca.pem").ok());
  REQUIRE(SetProfileValue(p, "admin.hosts", "127.0.0.1:9644").ok());
  file.profiles.push_back(p);
  file.current_profile = "local";
  REQUIRE(SaveProfileFile(path, file).ok());
  std::string text = ReadText(path);
  CHECK(text.find("current_profile: local") != std::string::npos);
  CHECK(text.find("ca_file: /ca.pem") != std::string::npos);
  auto loaded = LoadProfileFile(path);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->profiles.size() == 1);
  ConfigValues expected = p.values;
  expected["tls.enabled"] = "true";  // a tls block on disk means TLS on, as the CA implies
  CHECK(loaded->profiles[0].values == expected);
  CHECK(loaded->profiles[0].description == "Local broker");
}

TEST_CASE("set rejects unknown keys and invalid values; empty removes") {
  Profile p{"x", "", {}};
  CHECK_FALSE(SetProfileValue(p, "nope", "1").ok());
  CHECK_FALSE(SetProfileValue(p, "tls.enabled", "maybe").ok());
  CHECK(SetProfileValue(p, "tls.enabled", "true").ok());
  CHECK(SetProfileValue(p, "tls.enabled", "").ok());
  CHECK(p.values.empty());
  CHECK(SetProfileValue(p, "description", "d").ok());
  CHECK(p.description == "d");
}

TEST_CASE("an rpk.yaml as rpk writes it loads, and keeps its version when saved") {
  TempDir dir;
  std::string path = dir.File("rpk.yaml");
  WriteText(path, R"(version: 6
globals:
    prompt: ""
    no_default_cluster: false
    command_timeout: 0s
    dial_timeout: 0s
    request_timeout_overhead: 0s
    retry_timeout: 0s
    fetch_max_wait: 0s
    kafka_protocol_request_client_id: ""
current_profile: local
current_cloud_auth_org_id: ""
current_cloud_auth_kind: ""
profiles:
    - name: local
      description: rpk container cluster
      prompt: ""
      from_cloud: false
      kafka_api:
        brokers:
            - 127.0.0.1:40495
      admin_api:
        addresses:
            - 127.0.0.1:38871
      schema_registry:
        addresses:
            - 127.0.0.1:39821
cloud_auth: []
)");
  auto file = LoadProfileFile(path);
  REQUIRE_MESSAGE(file.has_value(), file.error().ToString());
  CHECK(file->version == 6);
  CHECK(file->current_profile == "local");
  REQUIRE(file->profiles.size() == 1);
  CHECK(file->profiles[0].values.at("brokers") == "127.0.0.1:40495");
  CHECK(file->profiles[0].values.at("admin.hosts") == "127.0.0.1:38871");
  REQUIRE(SaveProfileFile(path, *file).ok());
  auto again = LoadProfileFile(path);
  REQUIRE(again.has_value());
  CHECK(again->version == 6);
}

TEST_CASE("newer file versions are refused") {
  TempDir dir;
  std::string path = dir.File("kpk.yaml");
  WriteText(path, "version: 99\nprofiles: []\n");
  auto file = LoadProfileFile(path);
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().message().find("upgrade") != std::string::npos);
}

TEST_CASE("UpsertProfile creates, then updates hosts keeping other fields") {
  TempDir dir;
  std::string path = dir.File("kpk.yaml");
  REQUIRE(UpsertProfile(path, {"dev", {"127.0.0.1:19092"}, {"127.0.0.1:19644"}, "Dev", true}).ok());
  auto file = LoadProfileFile(path);
  REQUIRE(file.has_value());
  CHECK(file->current_profile == "dev");
  Profile* dev = file->Find("dev");
  REQUIRE(dev != nullptr);
  REQUIRE(SetProfileValue(*dev, "user", "keep-me").ok());
  REQUIRE(SaveProfileFile(path, *file).ok());

  REQUIRE(UpsertProfile(path, {"dev", {"127.0.0.1:29092"}, {}, "", false}).ok());
  file = LoadProfileFile(path);
  dev = file->Find("dev");
  CHECK(dev->values.at("brokers") == "127.0.0.1:29092");
  CHECK(dev->values.at("admin.hosts") == "127.0.0.1:19644");
  CHECK(dev->values.at("user") == "keep-me");
  CHECK(dev->description == "Dev");
}

TEST_CASE("LoadConnectionConfig: -X > env > selected profile > defaults") {
  TempDir dir;
  std::string path = dir.File("kpk.yaml");
  REQUIRE(UpsertProfile(path, {"a", {"a:1"}, {}, "", true}).ok());
  REQUIRE(UpsertProfile(path, {"b", {"b:2"}, {"b:3"}, "", false}).ok());
  std::map<std::string, std::string> env;
  ConfigSources sources;
  sources.config_path = path;
  sources.getenv = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };

  auto loaded = LoadConnectionConfig(sources);
  REQUIRE(loaded.has_value());
  CHECK(loaded->profile_name == "a");
  CHECK(loaded->connection.brokers == std::vector<std::string>{"a:1"});
  CHECK(loaded->connection.admin_hosts == std::vector<std::string>{"a:9644"});

  sources.profile_name = "b";
  loaded = LoadConnectionConfig(sources);
  CHECK(loaded->connection.brokers == std::vector<std::string>{"b:2"});

  env["KPK_BROKERS"] = "env:9";
  loaded = LoadConnectionConfig(sources);
  CHECK(loaded->connection.brokers == std::vector<std::string>{"env:9"});
  CHECK(loaded->connection.admin_hosts == std::vector<std::string>{"b:3"});

  sources.config_flags = {"brokers=flag:7"};
  loaded = LoadConnectionConfig(sources);
  CHECK(loaded->connection.brokers == std::vector<std::string>{"flag:7"});

  sources.profile_name = "missing";
  CHECK_FALSE(LoadConnectionConfig(sources).has_value());
  sources.profile_name.clear();
  env["KPK_PROFILE"] = "b";
  sources.config_flags.clear();
  env.erase("KPK_BROKERS");
  loaded = LoadConnectionConfig(sources);
  CHECK(loaded->profile_name == "b");

  sources.config_path = dir.File("absent.yaml");
  CHECK_FALSE(LoadConnectionConfig(sources).has_value());  // an explicit --config must exist
}

TEST_CASE("saving an rpk.yaml keeps every key kpk does not know") {
  TempDir dir;
  std::string path = dir.File("rpk.yaml");
  WriteText(path, R"(version: 6
globals:
    prompt: "bg-red %n"
    dial_timeout: 5s
current_profile: local
current_cloud_auth_org_id: org-1
profiles:
    - name: local
      prompt: hi-green
      from_cloud: false
      kafka_api:
        brokers: [127.0.0.1:1]
        tls: {ca_file: ca.pem}
      schema_registry:
        addresses: [127.0.0.1:8081]
cloud_auth:
    - name: me
      client_id: abc
)");
  auto file = LoadProfileFile(path);
  REQUIRE_MESSAGE(file.has_value(), file.error().ToString());
  Profile* local = file->Find("local");
  REQUIRE(local != nullptr);
  REQUIRE(
      SetProfileValues(*local, {{"brokers", "127.0.0.1:2"}, {"tls.ca", ""}, {"tls.enabled", ""}})
          .ok());
  file->globals.erase("globals.dial_timeout");
  REQUIRE(SaveProfileFile(path, *file).ok());
  std::string text = ReadText(path);
  for (const char* kept :
       {"bg-red %n", "current_cloud_auth_org_id: org-1", "prompt: hi-green", "from_cloud: false",
        "127.0.0.1:8081", "client_id: abc", "127.0.0.1:2"}) {
    CHECK_MESSAGE(text.find(kept) != std::string::npos, kept, " lost:\n", text);
  }
  // Removed keys are gone, and so is the tls block they leave empty (rpk reads it as TLS on).
  CHECK(text.find("ca.pem") == std::string::npos);
  CHECK(text.find("tls") == std::string::npos);
  CHECK(text.find("dial_timeout") == std::string::npos);
  auto again = LoadProfileFile(path);
  REQUIRE(again.has_value());
  CHECK(again->Find("local")->values.at("brokers") == "127.0.0.1:2");
  CHECK_FALSE(again->Find("local")->values.contains("tls.enabled"));
}

TEST_CASE("a redpanda.yaml gives its rpk: section, else the broker's listeners; never saved") {
  TempDir dir;
  std::string path = dir.File("redpanda.yaml");
  WriteText(path, R"(redpanda:
  data_directory: /var/lib/redpanda/data
  kafka_api:
    - address: 0.0.0.0
      port: 19092
  admin:
    - address: 10.0.0.5
      port: 19644
rpk:
  kafka_api:
    sasl: {user: u, password: p, mechanism: SCRAM-SHA-256}
)");
  ConfigSources sources;
  sources.config_path = path;
  sources.getenv = [](const char*) -> const char* { return nullptr; };
  auto loaded = LoadConnectionConfig(sources);
  REQUIRE_MESSAGE(loaded.has_value(), loaded.error().ToString());
  CHECK(loaded->connection.brokers == std::vector<std::string>{"127.0.0.1:19092"});
  CHECK(loaded->connection.admin_hosts == std::vector<std::string>{"10.0.0.5:19644"});
  CHECK(loaded->connection.sasl.user == "u");
  CHECK(loaded->connection.sasl.mechanism == "SCRAM-SHA-256");
  auto file = LoadProfileFile(path);
  REQUIRE(file.has_value());
  CHECK(file->redpanda_yaml);
  CHECK_FALSE(SaveProfileFile(path, *file).ok());
  sources.profile_name = "dev";
  CHECK_FALSE(LoadConnectionConfig(sources).has_value());
}

TEST_CASE("a file kpk cannot use is an error, not the default 127.0.0.1") {
  TempDir dir;
  std::string path = dir.File("other.yaml");
  WriteText(path, "name: something else\nitems: [1, 2]\n");
  ConfigSources sources;
  sources.config_path = path;
  auto loaded = LoadConnectionConfig(sources);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().message().find("neither a profile file") != std::string::npos);
  WriteText(path, "profiles: [\n");
  CHECK_FALSE(LoadConnectionConfig(sources).has_value());
}

TEST_CASE("rpk's sources: -X > legacy flags > KPK_* > RPK_* > REDPANDA_* > profile") {
  TempDir dir;
  std::string path = dir.File("kpk.yaml");
  REQUIRE(UpsertProfile(path, {"a", {"profile:1"}, {}, "", true}).ok());
  std::map<std::string, std::string> env;
  ConfigSources sources;
  sources.config_path = path;
  sources.getenv = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto brokers = [&] { return LoadConnectionConfig(sources)->connection.brokers.at(0); };
  CHECK(brokers() == "profile:1");
  env["REDPANDA_BROKERS"] = "redpanda:1";
  CHECK(brokers() == "redpanda:1");
  env["RPK_BROKERS"] = "rpk:1";
  CHECK(brokers() == "rpk:1");
  env["KPK_BROKERS"] = "kpk:1";
  CHECK(brokers() == "kpk:1");
  sources.legacy_flags["brokers"] = "legacy:1";
  CHECK(brokers() == "legacy:1");
  sources.config_flags = {"brokers=x:1"};
  CHECK(brokers() == "x:1");

  env["RPK_USER"] = "alice";
  env["REDPANDA_SASL_PASSWORD"] = "secret";
  env["RPK_SASL_MECHANISM"] = "SCRAM-SHA-512";
  env["RPK_ADMIN_HOSTS"] = "adm:1";
  auto loaded = LoadConnectionConfig(sources);
  REQUIRE(loaded.has_value());
  CHECK(loaded->connection.sasl.user == "alice");
  CHECK(loaded->connection.sasl.password == "secret");
  CHECK(loaded->connection.admin_hosts == std::vector<std::string>{"adm:1"});
}

TEST_CASE("without kpk.yaml the user's rpk.yaml is the profile file") {
  TempDir dir;
  const char* old = std::getenv("XDG_CONFIG_HOME");
  std::string saved = old != nullptr ? old : "";
  ::setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
  CHECK(ActiveProfilePath() == dir.File("kpk/kpk.yaml"));
  std::filesystem::create_directories(dir.path / "rpk");
  WriteText(dir.File("rpk/rpk.yaml"),
            "version: 6\ncurrent_profile: p\nprofiles:\n"
            "  - name: p\n    kafka_api: {brokers: [rpk-host:9]}\n");
  CHECK(ActiveProfilePath() == dir.File("rpk/rpk.yaml"));
  ConfigSources sources;
  sources.getenv = [](const char*) -> const char* { return nullptr; };
  auto loaded = LoadConnectionConfig(sources);
  REQUIRE(loaded.has_value());
  CHECK(loaded->connection.brokers == std::vector<std::string>{"rpk-host:9"});
  std::filesystem::create_directories(dir.path / "kpk");
  WriteText(dir.File("kpk/kpk.yaml"), "version: 1\nprofiles: []\n");
  CHECK(ActiveProfilePath() == dir.File("kpk/kpk.yaml"));
  if (old != nullptr) {
    ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_CONFIG_HOME");
  }
}

TEST_CASE("globals: set by -X name or field, rpk's own kept, unknown and invalid refused") {
  TempDir dir;
  std::string path = dir.File("rpk.yaml");
  WriteText(path, R"(version: 6
current_profile: a
profiles:
  - name: a
    kafka_api: {brokers: [a:9092]}
globals:
  prompt: red "%p"
  some_future_key: 7
  dial_timeout: 1s
)");
  auto file = LoadProfileFile(path);
  REQUIRE(file.has_value());
  REQUIRE(SetGlobalValues(*file, {{"globals.command_timeout", "45s"},
                                  {"dial_timeout", ""},
                                  {"no_default_cluster", "true"}})
              .ok());
  CHECK(file->globals.at("globals.command_timeout") == "45s");
  CHECK_FALSE(file->globals.contains("globals.dial_timeout"));
  // Refused as a whole: the valid key before the bad one is not applied either.
  CHECK_FALSE(SetGlobalValues(*file, {{"request_timeout_overhead", "3s"}, {"nope", "1"}}).ok());
  CHECK_FALSE(SetGlobalValues(*file, {{"globals.dial_timeout", "soon"}}).ok());
  CHECK_FALSE(SetGlobalValues(*file, {{"no_default_cluster", "maybe"}}).ok());
  CHECK_FALSE(file->globals.contains("globals.request_timeout_overhead"));
  REQUIRE(SaveProfileFile(path, *file).ok());

  auto loaded = LoadProfileFile(path);
  REQUIRE(loaded.has_value());
  CHECK(loaded->globals == ConfigValues{{"globals.command_timeout", "45s"}});
  std::string yaml = GlobalsToYaml(*loaded);
  CHECK(yaml.find("prompt: red \"%p\"") != std::string::npos);
  CHECK(yaml.find("some_future_key: 7") != std::string::npos);
  CHECK(yaml.find("no_default_cluster: true") != std::string::npos);
  CHECK(yaml.find("command_timeout: 45s") != std::string::npos);
  CHECK(yaml.find("dial_timeout") == std::string::npos);
  CHECK(loaded->profiles.at(0).values.at("brokers") == "a:9092");
}

TEST_CASE("globals: replaced from edited YAML, validated, cleared by an empty document") {
  ProfileFile file;
  CHECK(GlobalsToYaml(file) == "{}\n");
  REQUIRE(SetGlobalsFromYaml(file, "dial_timeout: 2s\nprompt: bold\n").ok());
  CHECK(file.globals == ConfigValues{{"globals.dial_timeout", "2s"}});
  CHECK_FALSE(SetGlobalsFromYaml(file, "dial_timeout: [1, 2]\n").ok());
  CHECK_FALSE(SetGlobalsFromYaml(file, "- a list\n").ok());
  CHECK_FALSE(SetGlobalsFromYaml(file, "command_timeout: never\n").ok());
  CHECK(file.globals == ConfigValues{{"globals.dial_timeout", "2s"}});
  Profile p{"dev", "", {}};
  CHECK(PromptOf(file, p) == "bold");  // globals' prompt when the profile has none
  REQUIRE(SetProfileValue(p, "prompt", "hi-red \"PROD\"").ok());
  CHECK(PromptOf(file, p) == "hi-red \"PROD\"");
  REQUIRE(SetGlobalsFromYaml(file, "").ok());
  CHECK(file.globals.empty());
  CHECK(GlobalsToYaml(file) == "{}\n");
}

TEST_CASE("--from-redpanda takes only the rpk: section of a redpanda.yaml") {
  TempDir dir;
  std::string path = dir.File("redpanda.yaml");
  WriteText(path, R"(redpanda:
  kafka_api: [{address: 0.0.0.0, port: 9092}]
rpk:
  kafka_api:
    brokers: [r1:9092, r2:9092]
    sasl: {user: bob, password: pw, mechanism: SCRAM-SHA-512}
  admin_api:
    addresses: [r1:9644]
)");
  auto values = RedpandaYamlRpkValues(path);
  REQUIRE(values.has_value());
  CHECK(values->at("brokers") == "r1:9092,r2:9092");
  CHECK(values->at("user") == "bob");
  CHECK(values->at("admin.hosts") == "r1:9644");
  WriteText(path, "redpanda:\n  kafka_api: [{address: 0.0.0.0, port: 9092}]\n");
  values = RedpandaYamlRpkValues(path);
  REQUIRE(values.has_value());
  CHECK(values->empty());  // rpk does not fall back to the listeners here
  WriteText(path, "profiles: []\n");
  CHECK_FALSE(RedpandaYamlRpkValues(path).has_value());
  CHECK_FALSE(RedpandaYamlRpkValues(dir.File("missing.yaml")).has_value());
}

}  // namespace
}  // namespace kpk::cli
