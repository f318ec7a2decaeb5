#include "common/log.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <mutex>
#include <string>

namespace kpk {
namespace {

constexpr int kNoOverride = -100;

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

// One logger's override. The fast path reads `level` (and `expires_at_ms` while it is set)
// without a lock; setting and expiring take g_override_mutex so that an expiry never clears
// an override set after it.
struct AreaOverride {
  std::atomic<int> level{kNoOverride};
  std::atomic<int64_t> expires_at_ms{0};  // steady clock; 0: never
};
std::array<AreaOverride, kLogAreaCount> g_overrides;
std::mutex g_override_mutex;

constexpr std::array<std::string_view, kLogAreaCount> kAreaNames = {
    "main", "kafka", "storage", "group", "tx", "admin_api_server"};

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

AreaOverride& OverrideOf(LogArea area) { return g_overrides[static_cast<size_t>(area)]; }

// Clears the override if its time is up; true when it was cleared or is absent.
bool ExpireIfDue(AreaOverride& o) {
  int64_t at = o.expires_at_ms.load(std::memory_order_relaxed);
  if (at == 0 || SteadyNowMs() < at) return false;
  std::lock_guard lock(g_override_mutex);
  if (o.expires_at_ms.load() != at) return false;  // set again meanwhile
  o.level.store(kNoOverride);
  o.expires_at_ms.store(0);
  return true;
}

const char* UpperName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

bool LogEnabled(LogArea area, LogLevel level) {
  AreaOverride& o = OverrideOf(area);
  int overridden = o.level.load(std::memory_order_relaxed);
  if (overridden == kNoOverride || ExpireIfDue(o)) return LogEnabled(level);
  return static_cast<int>(level) >= overridden;
}

std::string_view LogAreaName(LogArea area) { return kAreaNames[static_cast<size_t>(area)]; }

std::optional<LogArea> LogAreaByName(std::string_view name) {
  for (int i = 0; i < kLogAreaCount; ++i) {
    if (kAreaNames[i] == name) return static_cast<LogArea>(i);
  }
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

std::optional<LogLevel> LogLevelByName(std::string_view name) {
  for (LogLevel l :
       {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (LogLevelName(l) == name) return l;
  }
  return std::nullopt;
}

LogLevel SetLogAreaLevel(LogArea area, LogLevel level, std::chrono::seconds expires) {
  LogLevel before = GetLogAreaState(area).level;
  AreaOverride& o = OverrideOf(area);
  std::lock_guard lock(g_override_mutex);
  o.expires_at_ms.store(expires.count() > 0 ? SteadyNowMs() + expires.count() * 1000 : 0);
  o.level.store(static_cast<int>(level));
  return before;
}

LogAreaState GetLogAreaState(LogArea area) {
  AreaOverride& o = OverrideOf(area);
  ExpireIfDue(o);
  std::lock_guard lock(g_override_mutex);
  int overridden = o.level.load();
  if (overridden == kNoOverride) return {static_cast<LogLevel>(g_level.load()), {}};
  int64_t at = o.expires_at_ms.load();
  int64_t left_ms = at == 0 ? 0 : std::max<int64_t>(at - SteadyNowMs(), 0);
  return {static_cast<LogLevel>(overridden), std::chrono::seconds((left_ms + 999) / 1000)};
}

void WriteLogLine(LogLevel level, std::string_view message) {
  using std::chrono::system_clock;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = fmt::format("{}.{:03}Z {:<5} {}\n", stamp, ms, UpperName(level), message);
  ssize_t rc = ::write(STDERR_FILENO, line.data(), line.size());
  (void)rc;
}

}  // namespace kpk
