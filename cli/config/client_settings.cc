#include "cli/config/client_settings.h"

#include <algorithm>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace config {

KafkaProperties KafkaPropertiesFor(const ConnectionConfig& cfg) {
  KafkaProperties props;
  props.emplace_back("bootstrap.servers", Join(cfg.brokers, ","));
  props.emplace_back("client.id", "kpk");

  const TlsConfig& tls = cfg.kafka_tls;
  bool sasl = !cfg.sasl.mechanism.empty();
  const char* protocol =
      tls.enabled ? (sasl ? "sasl_ssl" : "ssl") : (sasl ? "sasl_plaintext" : "plaintext");
  props.emplace_back("security.protocol", protocol);
  if (tls.enabled) {
    if (!tls.ca_file.empty()) props.emplace_back("ssl.ca.location", tls.ca_file);
    if (!tls.cert_file.empty()) props.emplace_back("ssl.certificate.location", tls.cert_file);
    if (!tls.key_file.empty()) props.emplace_back("ssl.key.location", tls.key_file);
    if (tls.insecure_skip_verify) {
      props.emplace_back("enable.ssl.certificate.verification", "false");
      props.emplace_back("ssl.endpoint.identification.algorithm", "none");
    } else {
      props.emplace_back("ssl.endpoint.identification.algorithm", "https");
    }
  }
  if (sasl) {
    props.emplace_back("sasl.mechanisms", cfg.sasl.mechanism);
    props.emplace_back("sasl.username", cfg.sasl.user);
    props.emplace_back("sasl.password", cfg.sasl.password);
  }

  // The dial timeout bounds connection setup (TCP, TLS, SASL); the overhead bounds a request
  // once sent. librdkafka adds its own per-operation timeouts on top, which kpk passes from
  // the command timeout.
  // librdkafka refuses a setup timeout under 1 s; shorter dial timeouts still bound the whole
  // command through its deadline.
  props.emplace_back("socket.connection.setup.timeout.ms",
                     std::to_string(std::max<long>(1000, cfg.dial_timeout.count())));
  props.emplace_back("socket.timeout.ms", std::to_string(cfg.request_timeout_overhead.count()));
  // Never wait longer than the dial timeout between reconnect attempts, so a broker that
  // comes up is noticed within the command's bound.
  auto backoff_max = std::max<long>(10, static_cast<long>(cfg.dial_timeout.count()));
  props.emplace_back("reconnect.backoff.max.ms", std::to_string(std::min<long>(backoff_max, 1000)));
  return props;
}

HttpSettings AdminHttpSettingsFor(const ConnectionConfig& cfg) {
  HttpSettings http;
  const TlsConfig& tls = cfg.admin_tls;
  for (const std::string& host : cfg.admin_hosts) {
    http.base_urls.push_back((tls.enabled ? "https://" : "http://") + host);
  }
  if (tls.enabled) {
    http.ca_file = tls.ca_file;
    http.cert_file = tls.cert_file;
    http.key_file = tls.key_file;
    http.verify_peer = !tls.insecure_skip_verify;
    http.verify_host = !tls.insecure_skip_verify;
  }
  http.user = cfg.sasl.user;
  http.password = cfg.sasl.password;
  http.connect_timeout_ms = static_cast<long>(cfg.dial_timeout.count());
  http.timeout_ms = static_cast<long>(cfg.command_timeout.count());
  return http;
}

}  // namespace config
}  // namespace kpk::cli
