// What storage keeps about a topic besides its data: name, id, partition count and config
// overrides, stored as topics/<name>/topic.json (see log_format.h). Also Kafka's topic name
// rules and topic id generation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "broker/protocol/wire.h"
#include "broker/storage/log_config.h"
#include "common/status.h"

namespace kpk::broker::storage {

inline constexpr size_t kMaxTopicNameLength = 249;
// A sanity bound, not a Kafka rule: each partition is a directory with open files.
inline constexpr int32_t kMaxPartitions = 100000;

struct TopicMetadata {
  std::string name;
  protocol::Uuid id;
  int32_t partitions = 0;
  ConfigMap configs;  // overrides only; defaults come from the broker
};

// Kafka's rules: 1 to 249 characters from [a-zA-Z0-9._-], and not "." or "..".
// kInvalidArgument (INVALID_TOPIC_EXCEPTION) saying which rule is broken.
Status ValidateTopicName(std::string_view name);

// A random (version 4) UUID that is not zero and whose base64 form does not start with '-',
// as Kafka's Uuid.randomUuid() guarantees.
protocol::Uuid NewTopicId();

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
std::string UuidToCanonical(const protocol::Uuid& id);
Result<protocol::Uuid> UuidFromCanonical(std::string_view text);

std::string EncodeTopicMetadata(const TopicMetadata& topic);
// kCorruption if the text is not a topic.json this version understands.
Result<TopicMetadata> DecodeTopicMetadata(std::string_view json);

}  // namespace kpk::broker::storage
