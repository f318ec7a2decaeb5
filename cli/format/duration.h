// Go-style durations ("3s", "1m30s", "-48h", "250ms"): the syntax rpk's flags and offsets use,
// so users can paste the same values into kpk.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

// Parses [-+]?(<decimal><unit>)+ with units ns, us, µs, ms, s, m, h; a bare "0" is zero.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// Formats a duration the way Go prints it for the common cases: "1m30s", "250ms", "0s".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace format
}  // namespace kpk::cli
