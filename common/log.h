// Debug logging for -v: timestamped lines on stderr, off unless enabled. Data never goes here.
#pragma once

#include <string_view>

#include <fmt/core.h>

namespace kpk {

void SetVerbose(bool on);
bool Verbose();
void DebugLine(std::string_view line);

template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  if (Verbose()) DebugLine(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kpk
