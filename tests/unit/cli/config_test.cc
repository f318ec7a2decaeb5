// Connection config: -X parsing, environment names, precedence and host defaulting.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cli/config/config.h"

namespace kpk::cli {
namespace {

ConnectionConfig MustResolve(const ConfigLayers& layers) {
  Result<ConnectionConfig> cfg = ResolveConnection(layers);
  REQUIRE_MESSAGE(cfg.has_value(), (cfg ? "" : cfg.error().message()));
  return *cfg;
}

TEST_CASE("defaults are the local broker and admin API") {
  ConnectionConfig cfg = MustResolve({});
  CHECK(cfg.brokers == std::vector<std::string>{"127.0.0.1:9092"});
  CHECK(cfg.admin_hosts == std::vector<std::string>{"127.0.0.1:9644"});
  CHECK_FALSE(cfg.kafka_tls.enabled);
  CHECK(cfg.dial_timeout.count() == 3000);
  CHECK(cfg.command_timeout.count() == 30000);
}

TEST_CASE("flags override env which overrides the profile") {
  ConfigLayers layers;
  layers.profile = {{"brokers", "profile:1"}, {"user", "p-user"}, {"pass", "p-pass"}};
  layers.env = {{"brokers", "env:2"}, {"user", "e-user"}};
  layers.flags = {{"brokers", "flag:3"}};
  ConnectionConfig cfg = MustResolve(layers);
  CHECK(cfg.brokers == std::vector<std::string>{"flag:3"});
  CHECK(cfg.sasl.user == "e-user");
  CHECK(cfg.sasl.password == "p-pass");
}

TEST_CASE("only admin hosts given: brokers are the same hosts on 9092, and the reverse") {
  ConfigLayers admin_only;
  admin_only.flags = {{"admin.hosts", "a.example, b.example:19644"}};
  ConnectionConfig cfg = MustResolve(admin_only);
  CHECK(cfg.admin_hosts == std::vector<std::string>{"a.example:9644", "b.example:19644"});
  CHECK(cfg.brokers == std::vector<std::string>{"a.example:9092", "b.example:9092"});

  ConfigLayers brokers_only;
  brokers_only.env = {{"brokers", "k1:29092,[::1]:9093"}, {"tls.enabled", "true"}};
  cfg = MustResolve(brokers_only);
  CHECK(cfg.admin_hosts == std::vector<std::string>{"k1:9644", "[::1]:9644"});
  CHECK(cfg.admin_tls.enabled);  // TLS follows the derived side
}

TEST_CASE("hosts without ports get the default port; bare IPv6 is bracketed") {
  ConfigLayers layers;
  layers.flags = {{"brokers", "localhost,::1,10.0.0.1:1234"}};
  ConnectionConfig cfg = MustResolve(layers);
  CHECK(cfg.brokers == std::vector<std::string>{"localhost:9092", "[::1]:9092", "10.0.0.1:1234"});
}

TEST_CASE("certificate files imply TLS and must come in pairs") {
  ConfigLayers layers;
  layers.flags = {{"tls.ca", "/ca.pem"}};
  CHECK(MustResolve(layers).kafka_tls.enabled);
  layers.flags = {{"tls.cert", "/c.pem"}};
  CHECK_FALSE(ResolveConnection(layers).has_value());
}

TEST_CASE("SASL mechanisms are validated and normalised") {
  ConfigLayers layers;
  layers.flags = {{"sasl.mechanism", "scram-sha-256"}, {"user", "u"}, {"pass", "p"}};
  CHECK(MustResolve(layers).sasl.mechanism == "SCRAM-SHA-256");
  layers.flags["sasl.mechanism"] = "GSSAPI";
  CHECK_FALSE(ResolveConnection(layers).has_value());
  layers.flags = {{"sasl.mechanism", "PLAIN"}};
  CHECK_FALSE(ResolveConnection(layers).has_value());  // no user
}

TEST_CASE("timeouts take Go durations; 0s means the default, as rpk writes it") {
  ConfigLayers layers;
  layers.flags = {{"globals.dial_timeout", "1.5s"}, {"globals.command_timeout", "2m"}};
  ConnectionConfig cfg = MustResolve(layers);
  CHECK(cfg.dial_timeout.count() == 1500);
  CHECK(cfg.command_timeout.count() == 120000);
  layers.flags = {{"globals.dial_timeout", "0s"}, {"globals.command_timeout", "0s"}};
  cfg = MustResolve(layers);
  CHECK(cfg.dial_timeout == ConnectionConfig{}.dial_timeout);
  CHECK(cfg.command_timeout == ConnectionConfig{}.command_timeout);
  layers.flags = {{"globals.dial_timeout", "-1s"}};
  CHECK_FALSE(ResolveConnection(layers).has_value());
  layers.flags = {{"globals.dial_timeout", "soon"}};
  CHECK_FALSE(ResolveConnection(layers).has_value());
}

TEST_CASE("-X takes key=value with known keys, by -X name or profile path") {
  auto values = ParseConfigFlags({"brokers=a:1", "kafka_api.sasl.user=bob", "pass=x=y"});
  REQUIRE(values.has_value());
  CHECK(values->at("brokers") == "a:1");
  CHECK(values->at("user") == "bob");
  CHECK(values->at("pass") == "x=y");  // only the first '=' separates
  CHECK_FALSE(ParseConfigFlags({"nosuchkey=1"}).has_value());
  CHECK_FALSE(ParseConfigFlags({"brokers"}).has_value());
}

TEST_CASE("every key has a KPK_ environment twin") {
  CHECK(EnvVarForKey("brokers") == "KPK_BROKERS");
  CHECK(EnvVarForKey("admin.hosts") == "KPK_ADMIN_HOSTS");
  CHECK(EnvVarForKey("admin.tls.insecure_skip_verify") == "KPK_ADMIN_TLS_INSECURE_SKIP_VERIFY");
  std::map<std::string, std::string> env = {
      {"KPK_BROKERS", "e:1"}, {"KPK_USER", "u"}, {"UNRELATED", "x"}};
  ConfigValues values = ConfigValuesFromEnv([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  CHECK(values.size() == 2);
  CHECK(values.at("brokers") == "e:1");
  CHECK(values.at("user") == "u");
  for (const ConfigKey& key : ConfigKeys()) {
    CHECK(ConfigKeysHelp().find(EnvVarForKey(key.name)) != std::string::npos);
    CHECK(ConfigKeysList().find(std::string(key.name) + "=") != std::string::npos);
  }
}

}  // namespace
}  // namespace kpk::cli
