// The broker's log: timestamped lines on stderr. Thread-safe (one write(2) per line).
#pragma once

#include <string_view>

#include <fmt/core.h>

namespace kpk::broker {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void WriteLogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(level)) WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
}

#define KPK_LOG_DEBUG(...) ::kpk::broker::Log(::kpk::broker::LogLevel::kDebug, __VA_ARGS__)
#define KPK_LOG_INFO(...) ::kpk::broker::Log(::kpk::broker::LogLevel::kInfo, __VA_ARGS__)
#define KPK_LOG_WARN(...) ::kpk::broker::Log(::kpk::broker::LogLevel::kWarn, __VA_ARGS__)
#define KPK_LOG_ERROR(...) ::kpk::broker::Log(::kpk::broker::LogLevel::kError, __VA_ARGS__)

}  // namespace kpk::broker
