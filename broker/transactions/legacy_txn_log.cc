#include "broker/transactions/legacy_txn_log.h"

#include <cstdio>
#include <optional>
#include <string_view>

#include <fmt/core.h>

#include "common/bytes.h"
#include "common/crc32c.h"

namespace kpk::broker::transactions {
namespace {

std::optional<std::string> ParseLine(std::string_view line) {
  if (line.size() < 9 || line[8] != ' ') return std::nullopt;
  uint32_t crc = 0;
  if (std::sscanf(std::string(line.substr(0, 8)).c_str(), "%8x", &crc) != 1) return std::nullopt;
  std::string_view body = line.substr(9);
  if (crc32c::Value(AsBytes(body)) != crc) return std::nullopt;
  return std::string(body);
}

}  // namespace

Result<std::vector<std::string>> ReadLegacyTxnLog(FileSystem& fs, const std::string& path) {
  auto contents = ReadWholeFile(fs, path);
  if (!contents) return Err(contents.error());
  const std::string_view data = AsChars(ByteSpan(*contents));
  std::vector<std::string> records;
  size_t pos = 0;
  while (pos < data.size()) {
    const size_t end = data.find('\n', pos);
    auto record =
        end == std::string_view::npos ? std::nullopt : ParseLine(data.substr(pos, end - pos));
    if (!record) {
      const size_t next = end == std::string_view::npos ? data.size() : end + 1;
      if (next < data.size()) {
        return Err(Status::Corruption(
            fmt::format("{}: damaged record at byte {} followed by more records", path, pos)));
      }
      break;  // a torn last line
    }
    records.push_back(std::move(*record));
    pos = end + 1;
  }
  return records;
}

}  // namespace kpk::broker::transactions
