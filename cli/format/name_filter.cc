#include "cli/format/name_filter.h"

#include <algorithm>
#include <regex>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace format {

Result<std::vector<std::string>> FilterByRegex(const std::vector<std::string>& names,
                                               const std::vector<std::string>& expressions) {
  std::vector<std::regex> compiled;
  for (const std::string& expr : expressions) {
    try {
      compiled.emplace_back(expr == "*" ? std::string(".*") : "^(?:" + expr + ")$");
    } catch (const std::regex_error& e) {
      return Err(Status::InvalidArgument("invalid regex " + Quote(expr) + ": " + e.what()));
    }
  }
  std::vector<std::string> out;
  for (const std::string& name : names) {
    for (const std::regex& re : compiled) {
      if (std::regex_match(name, re)) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

Result<std::vector<std::string>> SelectNames(const std::vector<std::string>& names,
                                             const std::vector<std::string>& wanted, bool regex) {
  if (regex) return FilterByRegex(names, wanted);
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) out.push_back(name);
  }
  return out;
}

}  // namespace format
}  // namespace kpk::cli
