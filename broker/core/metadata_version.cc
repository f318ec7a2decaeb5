#include "broker/core/metadata_version.h"

#include <algorithm>
#include <array>

namespace kpk::broker {
inline namespace core {
namespace {

// Every MetadataVersion of Kafka 3.9 up to its own release (IBP_0_8_0 ... IBP_3_9_IV0), as
// version() spells it. A bare release ("2.8") names its newest internal version.
constexpr std::array<std::string_view, 55> kVersions = {
    "0.8.0",      "0.8.1",      "0.8.2",      "0.9.0",      "0.10.0-IV0", "0.10.0-IV1",
    "0.10.1-IV0", "0.10.1-IV1", "0.10.1-IV2", "0.10.2-IV0", "0.11.0-IV0", "0.11.0-IV1",
    "0.11.0-IV2", "1.0-IV0",    "1.1-IV0",    "2.0-IV0",    "2.0-IV1",    "2.1-IV0",
    "2.1-IV1",    "2.1-IV2",    "2.2-IV0",    "2.2-IV1",    "2.3-IV0",    "2.3-IV1",
    "2.4-IV0",    "2.4-IV1",    "2.5-IV0",    "2.6-IV0",    "2.7-IV0",    "2.7-IV1",
    "2.7-IV2",    "2.8-IV0",    "2.8-IV1",    "3.0-IV0",    "3.0-IV1",    "3.1-IV0",
    "3.2-IV0",    "3.3-IV0",    "3.3-IV1",    "3.3-IV2",    "3.3-IV3",    "3.4-IV0",
    "3.5-IV0",    "3.5-IV1",    "3.5-IV2",    "3.6-IV0",    "3.6-IV1",    "3.6-IV2",
    "3.7-IV0",    "3.7-IV1",    "3.7-IV2",    "3.7-IV3",    "3.7-IV4",    "3.8-IV0",
    "3.9-IV0",
};

std::string_view Release(std::string_view version) {
  return version.substr(0, version.find("-IV"));
}

bool Known(std::string_view key) {
  return std::any_of(kVersions.begin(), kVersions.end(),
                     [key](std::string_view v) { return v == key || Release(v) == key; });
}

}  // namespace

bool IsKafkaMetadataVersion(std::string_view value) {
  // fromVersionString looks the string up whole unless it has more dot-separated parts than a
  // release (two; three before 1.0), and then only those first parts: "2.8.1" and "2.8.1-IV0"
  // are 2.8. Java's split drops trailing empty parts, so "2.8." counts two and is looked up whole.
  const size_t parts = value.substr(0, 2) == "0." ? 3 : 2;
  std::string_view counted = value;
  while (!counted.empty() && counted.back() == '.') counted.remove_suffix(1);
  if (static_cast<size_t>(std::count(counted.begin(), counted.end(), '.')) < parts) {
    return Known(value);
  }
  size_t end = 0;
  for (size_t i = 0; i < parts; ++i) end = value.find('.', i == 0 ? 0 : end + 1);
  return Known(value.substr(0, end));
}

}  // namespace core
}  // namespace kpk::broker
