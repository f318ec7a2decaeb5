// The one log, for both halves: timestamped lines on stderr, never data. The broker logs at
// info and above by default; the CLI shows debug lines only with -v. Thread-safe: one write(2)
// per line, so lines from librdkafka's threads and the broker's workers never interleave.
//
// The broker's lines belong to named loggers (Redpanda's word), one per area: the Admin API can
// change one logger's level for a while (`PUT /v1/config/log_level/{name}?level=&expires=`),
// after which it returns to the configured level. Checking a level is one relaxed atomic load
// while no override is active, and one clock read more while one with an expiry is.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/core.h>

namespace kpk {

enum class LogLevel { kTrace = -1, kDebug = 0, kInfo, kWarn, kError };

// The broker's loggers. KPK_LOG_* lines go to the `kLogArea` their code sees: kMain by
// default, the area's own where its namespace declares one (below).
enum class LogArea : uint8_t { kMain, kKafka, kStorage, kGroup, kTx, kAdminApi };
inline constexpr int kLogAreaCount = 6;
inline constexpr LogArea kLogArea = LogArea::kMain;
namespace broker::storage {
inline constexpr LogArea kLogArea = LogArea::kStorage;
}
namespace broker::handlers {
inline constexpr LogArea kLogArea = LogArea::kKafka;
}
namespace broker::groups {
inline constexpr LogArea kLogArea = LogArea::kGroup;
}
namespace broker::transactions {
inline constexpr LogArea kLogArea = LogArea::kTx;
}
namespace broker::admin {
inline constexpr LogArea kLogArea = LogArea::kAdminApi;
}

// The configured level, of every logger without an override.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
bool LogEnabled(LogArea area, LogLevel level);
void WriteLogLine(LogLevel level, std::string_view message);

// Logger names (Redpanda's where it has the same logger: "kafka", "storage", "tx", "main",
// "admin_api_server"), levels by name ("trace" ... "error").
std::string_view LogAreaName(LogArea area);
std::optional<LogArea> LogAreaByName(std::string_view name);
std::string_view LogLevelName(LogLevel level);  // lower case
std::optional<LogLevel> LogLevelByName(std::string_view name);

// Overrides one logger's level; after `expires` (zero: never) it returns to the configured
// level. Returns the level it had before.
LogLevel SetLogAreaLevel(LogArea area, LogLevel level, std::chrono::seconds expires);
struct LogAreaState {
  LogLevel level;
  std::chrono::seconds expires_in;  // zero when there is no override or it never expires
};
LogAreaState GetLogAreaState(LogArea area);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(level)) WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Log(LogArea area, LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(area, level)) {
    WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
  }
}

// The CLI's -v lines.
inline bool Verbose() { return LogEnabled(LogLevel::kDebug); }
template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
}

#define KPK_LOG_DEBUG(...) ::kpk::Log(kLogArea, ::kpk::LogLevel::kDebug, __VA_ARGS__)
#define KPK_LOG_INFO(...) ::kpk::Log(kLogArea, ::kpk::LogLevel::kInfo, __VA_ARGS__)
#define KPK_LOG_WARN(...) ::kpk::Log(kLogArea, ::kpk::LogLevel::kWarn, __VA_ARGS__)
#define KPK_LOG_ERROR(...) ::kpk::Log(kLogArea, ::kpk::LogLevel::kError, __VA_ARGS__)
// For code whose namespace has no logger of its own (the broker's inline net namespace).
#define KPK_LOG_TO(area, level, ...) \
  ::kpk::Log(::kpk::LogArea::area, ::kpk::LogLevel::level, __VA_ARGS__)

}  // namespace kpk
