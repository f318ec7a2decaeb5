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

}  // namespace
}  // namespace kpk::cli
