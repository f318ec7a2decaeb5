// Selecting topics and groups by regular expression, as rpk's -r flags do.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

// The names matching any expression, each anchored as ^expr$ ("*" alone means everything),
// in the order of `names`. A malformed expression is an InvalidArgument error.
Result<std::vector<std::string>> FilterByRegex(const std::vector<std::string>& names,
                                               const std::vector<std::string>& expressions);

// With `regex`, FilterByRegex; otherwise the names equal to one of `wanted`.
Result<std::vector<std::string>> SelectNames(const std::vector<std::string>& names,
                                             const std::vector<std::string>& wanted, bool regex);

}  // namespace format
}  // namespace kpk::cli
