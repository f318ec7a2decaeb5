// The record shapes the CLI's grammars work on: a consumed record as librdkafka hands it out,
// and a record parsed from produce input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kpk::cli {
inline namespace format {

struct HeaderView {
  std::string_view key;
  std::string_view value;
};

// A consumed record. Views point into librdkafka's message and live as long as it does.
struct RecordView {
  std::string_view topic;
  std::string_view key;
  bool key_null = true;
  std::string_view value;
  bool value_null = true;
  std::vector<HeaderView> headers;
  int32_t partition = -1;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  int64_t timestamp_ms = -1;
  int timestamp_type = 0;  // -1 none, 0 create time, 1 log append time
  int compression = 0;     // 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd (when known)
  bool transactional = false;
  bool control = false;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

// The partition a record came from, for %[ %| %].
struct PartitionView {
  int64_t log_start_offset = -1;
  int64_t last_stable_offset = -1;
  int64_t high_watermark = -1;
};

// A record read from produce input. Fields not given by the input format stay unset.
struct InputRecord {
  std::optional<std::string> topic;
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<int32_t> partition;
  std::optional<int64_t> timestamp_ms;

  void Clear();  // keeps string capacity for the next record
};

}  // namespace format
}  // namespace kpk::cli
