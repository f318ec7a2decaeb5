// Time text used by the record formats and offset specs: Go reference layouts
// ("2006-01-02T15:04:05Z07:00"), strftime, and the timestamps rpk accepts in -o @...
// All times are UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

// Appends `ms` (milliseconds since the epoch) formatted with a Go layout.
void AppendGoTime(std::string& out, std::string_view layout, int64_t ms);
// Appends `ms` formatted with strftime(3) conversions.
void AppendStrftime(std::string& out, std::string_view format, int64_t ms);

// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DD" as midnight UTC, in ms.
Result<int64_t> ParseDate(std::string_view text);
// RFC 3339 in UTC: "YYYY-MM-DDTHH:MM:SS[.fraction]Z", in ms.
Result<int64_t> ParseRfc3339Utc(std::string_view text);

}  // namespace format
}  // namespace kpk::cli
