// Kafka's MetadataVersion strings ("2.8", "2.8-IV1", "0.10.2", ...), which Kafka 3.9 still
// validates message.format.version and log.message.format.version against although it ignores
// both (KIP-724: since 3.0 the record format follows the inter-broker protocol, always v2).
#pragma once

#include <string_view>

namespace kpk::broker {
inline namespace core {

// Whether Kafka 3.9's MetadataVersion.fromVersionString accepts `value`: a release ("3.0"), a
// release with its internal version ("3.0-IV1"), or a longer form it truncates ("2.8.1" is
// 2.8; releases before 1.0 keep three parts, "0.10.2.1" is 0.10.2).
bool IsKafkaMetadataVersion(std::string_view value);

}  // namespace core
}  // namespace kpk::broker
