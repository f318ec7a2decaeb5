#include "broker/storage/topic_metadata.h"

#include <random>

#include <nlohmann/json.hpp>

#include "broker/storage/log_format.h"

namespace kpk::broker::storage {

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name == "." || name == "..") {
    return Status::InvalidArgument("topic name cannot be \".\" or \"..\"");
  }
  if (name.size() > kMaxTopicNameLength) {
    return Status::InvalidArgument("topic name is longer than 249 characters");
  }
  for (char c : name) {
    bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
    if (!legal) {
      return Status::InvalidArgument("topic name \"" + std::string(name) +
                                     "\" has characters other than ASCII letters, digits, '.', "
                                     "'_' and '-'");
    }
  }
  return Status::OK();
}

protocol::Uuid NewTopicId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  protocol::Uuid id;
  do {
    for (size_t i = 0; i < id.bytes.size(); i += 8) {
      uint64_t r = rng();
      for (size_t j = 0; j < 8; ++j) id.bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0F) | 0x40);  // version 4
    id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    // Base64url's first character is '-' when the top six bits are 62.
  } while (id.IsZero() || (id.bytes[0] >> 2) == 62);
  return id;
}

std::string UuidToCanonical(const protocol::Uuid& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < id.bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[id.bytes[i] >> 4];
    out += kHex[id.bytes[i] & 0xF];
  }
  return out;
}

Result<protocol::Uuid> UuidFromCanonical(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  protocol::Uuid id;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
      ++i;
      continue;
    }
    if (byte == id.bytes.size() || i + 1 >= text.size()) break;
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) break;
    id.bytes[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  if (byte != id.bytes.size() || text.size() != 36) {
    return Err(Status::InvalidArgument("not a UUID: " + std::string(text)));
  }
  return id;
}

std::string EncodeTopicMetadata(const TopicMetadata& topic) {
  nlohmann::ordered_json j;
  j["version"] = format::kTopicMetadataVersion;
  j["name"] = topic.name;
  j["id"] = UuidToCanonical(topic.id);
  j["partitions"] = topic.partitions;
  nlohmann::ordered_json configs = nlohmann::ordered_json::object();
  for (const auto& [key, value] : topic.configs) configs[key] = value;
  j["configs"] = std::move(configs);
  // Config values come from clients: replace invalid UTF-8 rather than fail (dump would throw).
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<TopicMetadata> DecodeTopicMetadata(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& why) {
    return Err(Status::Corruption("topic metadata: " + why));
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer() ||
      version->get<int>() != format::kTopicMetadataVersion) {
    return bad("unsupported version");
  }
  auto name = j.find("name");
  auto id = j.find("id");
  auto partitions = j.find("partitions");
  auto configs = j.find("configs");
  if (name == j.end() || !name->is_string() || id == j.end() || !id->is_string() ||
      partitions == j.end() || !partitions->is_number_integer() || configs == j.end() ||
      !configs->is_object()) {
    return bad("missing or mistyped fields");
  }
  TopicMetadata topic;
  topic.name = name->get<std::string>();
  auto uuid = UuidFromCanonical(id->get<std::string>());
  if (!uuid) return bad(uuid.error().message());
  topic.id = *uuid;
  int64_t count = partitions->get<int64_t>();
  if (count < 1 || count > kMaxPartitions) return bad("partition count out of range");
  topic.partitions = static_cast<int32_t>(count);
  for (const auto& [key, value] : configs->items()) {
    if (!value.is_string()) return bad("config " + key + " is not a string");
    topic.configs.emplace(key, value.get<std::string>());
  }
  return topic;
}

}  // namespace kpk::broker::storage
