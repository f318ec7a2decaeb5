// How a ConnectionConfig becomes client settings: librdkafka configuration properties for the
// Kafka API and libcurl options for the Admin API. Pure functions, so the mapping is tested
// without a cluster.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/config/config.h"

namespace kpk::cli {
inline namespace config {

// librdkafka properties, in the order they should be applied.
using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

KafkaProperties KafkaPropertiesFor(const ConnectionConfig& cfg);

// What the Admin API client sets on each libcurl handle.
struct HttpSettings {
  std::vector<std::string> base_urls;  // "http://host:port" or "https://host:port"
  std::string ca_file;                 // CURLOPT_CAINFO
  std::string cert_file;               // CURLOPT_SSLCERT
  std::string key_file;                // CURLOPT_SSLKEY
  bool verify_peer = true;             // CURLOPT_SSL_VERIFYPEER
  bool verify_host = true;             // CURLOPT_SSL_VERIFYHOST
  std::string user;                    // Basic auth (CURLOPT_USERNAME), empty = none
  std::string password;                // CURLOPT_PASSWORD
  long connect_timeout_ms = 0;         // CURLOPT_CONNECTTIMEOUT_MS
  long timeout_ms = 0;                 // CURLOPT_TIMEOUT_MS
};

HttpSettings AdminHttpSettingsFor(const ConnectionConfig& cfg);

}  // namespace config
}  // namespace kpk::cli
