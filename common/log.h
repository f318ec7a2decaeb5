// The one log, for both halves: timestamped lines on stderr, never data. The broker logs at
// info and above by default; the CLI shows debug lines only with -v. Thread-safe: one write(2)
// per line, so lines from librdkafka's threads and the broker's workers never interleave.
#pragma once

#include <string_view>

#include <fmt/core.h>

namespace kpk {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void WriteLogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(level)) WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
}

// The CLI's -v lines.
inline bool Verbose() { return LogEnabled(LogLevel::kDebug); }
template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
}

#define KPK_LOG_DEBUG(...) ::kpk::Log(::kpk::LogLevel::kDebug, __VA_ARGS__)
#define KPK_LOG_INFO(...) ::kpk::Log(::kpk::LogLevel::kInfo, __VA_ARGS__)
#define KPK_LOG_WARN(...) ::kpk::Log(::kpk::LogLevel::kWarn, __VA_ARGS__)
#define KPK_LOG_ERROR(...) ::kpk::Log(::kpk::LogLevel::kError, __VA_ARGS__)

}  // namespace kpk
