// Small string helpers shared by config, output and the commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

// Splits on every `sep`; an empty input gives one empty piece.
std::vector<std::string> Split(std::string_view s, char sep);
// Splits a comma separated list, trimming blanks and dropping empty items.
std::vector<std::string> SplitList(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view Trim(std::string_view s);
std::string ToUpper(std::string_view s);
std::string ToLower(std::string_view s);
// Double-quoted with Go %q-style escapes, for values in messages: "a\tb".
std::string Quote(std::string_view s);
std::optional<int64_t> ParseInt(std::string_view s);
// true/false, 1/0, yes/no, on/off (case-insensitive).
std::optional<bool> ParseBool(std::string_view s);
// Number of UTF-8 code points, the width unit of tables.
size_t Utf8Width(std::string_view s);

}  // namespace format
}  // namespace kpk::cli

namespace kpk::cli {
inline namespace format {

// Parses "key=value" or "key:value" pairs (whichever separator comes first), trimming blanks,
// as rpk's -c, --set and -H flags accept them. Keys and values must not be empty.
Result<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(
    const std::vector<std::string>& pairs);

// Go's fmt rendering of an int slice, as rpk prints replica lists: "[1 2 3]".
std::string FormatIdList(const std::vector<int32_t>& ids);

}  // namespace format
}  // namespace kpk::cli
