// The mapping from connection settings to librdkafka properties and libcurl options.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cli/config/client_settings.h"

namespace kpk::cli {
namespace {

std::map<std::string, std::string> AsMap(const KafkaProperties& props) {
  return {props.begin(), props.end()};
}

TEST_CASE("plaintext defaults") {
  ConnectionConfig cfg;
  cfg.brokers = {"a:9092", "b:9092"};
  auto props = AsMap(KafkaPropertiesFor(cfg));
  CHECK(props.at("bootstrap.servers") == "a:9092,b:9092");
  CHECK(props.at("security.protocol") == "plaintext");
  CHECK(props.at("socket.connection.setup.timeout.ms") == "3000");
  CHECK(props.at("socket.timeout.ms") == "10000");
  CHECK(props.count("sasl.mechanisms") == 0);
  CHECK(props.count("ssl.ca.location") == 0);
}

TEST_CASE("TLS and SASL select the security protocol and files") {
  ConnectionConfig cfg;
  cfg.brokers = {"a:9093"};
  cfg.kafka_tls = {true, "/ca.pem", "/c.pem", "/k.pem", false};
  cfg.sasl = {"SCRAM-SHA-512", "alice", "secret"};
  auto props = AsMap(KafkaPropertiesFor(cfg));
  CHECK(props.at("security.protocol") == "sasl_ssl");
  CHECK(props.at("ssl.ca.location") == "/ca.pem");
  CHECK(props.at("ssl.certificate.location") == "/c.pem");
  CHECK(props.at("ssl.key.location") == "/k.pem");
  CHECK(props.at("ssl.endpoint.identification.algorithm") == "https");
  CHECK(props.at("sasl.mechanisms") == "SCRAM-SHA-512");
  CHECK(props.at("sasl.username") == "alice");
  CHECK(props.at("sasl.password") == "secret");

  cfg.kafka_tls = {true, "", "", "", true};
  cfg.sasl = {};
  props = AsMap(KafkaPropertiesFor(cfg));
  CHECK(props.at("security.protocol") == "ssl");
  CHECK(props.at("enable.ssl.certificate.verification") == "false");
  CHECK(props.at("ssl.endpoint.identification.algorithm") == "none");

  cfg.kafka_tls = {};
  cfg.sasl = {"PLAIN", "u", "p"};
  CHECK(AsMap(KafkaPropertiesFor(cfg)).at("security.protocol") == "sasl_plaintext");
}

TEST_CASE("admin API settings: scheme, TLS files, Basic auth, timeouts") {
  ConnectionConfig cfg;
  cfg.admin_hosts = {"h1:9644", "h2:9644"};
  cfg.sasl = {"SCRAM-SHA-256", "bob", "pw"};
  cfg.command_timeout = std::chrono::milliseconds(7000);
  HttpSettings http = AdminHttpSettingsFor(cfg);
  CHECK(http.base_urls == std::vector<std::string>{"http://h1:9644", "http://h2:9644"});
  CHECK(http.user == "bob");
  CHECK(http.password == "pw");
  CHECK(http.connect_timeout_ms == 3000);
  CHECK(http.timeout_ms == 7000);

  cfg.admin_tls = {true, "/ca.pem", "", "", true};
  http = AdminHttpSettingsFor(cfg);
  CHECK(http.base_urls.front() == "https://h1:9644");
  CHECK(http.ca_file == "/ca.pem");
  CHECK_FALSE(http.verify_peer);
  CHECK_FALSE(http.verify_host);
}

}  // namespace
}  // namespace kpk::cli
