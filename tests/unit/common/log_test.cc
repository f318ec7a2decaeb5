// Named loggers: an override changes one logger only, expires back to the configured level,
// and a newer override is not cleared by an older one's expiry.
#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "common/log.h"

namespace kpk {
namespace {

using std::chrono::seconds;

TEST_CASE("an override changes one logger until it expires") {
  SetLogLevel(LogLevel::kInfo);
  CHECK_FALSE(LogEnabled(LogArea::kKafka, LogLevel::kDebug));
  CHECK(SetLogAreaLevel(LogArea::kKafka, LogLevel::kDebug, seconds(1)) == LogLevel::kInfo);
  CHECK(LogEnabled(LogArea::kKafka, LogLevel::kDebug));
  CHECK_FALSE(LogEnabled(LogArea::kStorage, LogLevel::kDebug));
  CHECK_FALSE(LogEnabled(LogLevel::kDebug));
  LogAreaState state = GetLogAreaState(LogArea::kKafka);
  CHECK(state.level == LogLevel::kDebug);
  CHECK(state.expires_in == seconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK_FALSE(LogEnabled(LogArea::kKafka, LogLevel::kDebug));
  state = GetLogAreaState(LogArea::kKafka);
  CHECK(state.level == LogLevel::kInfo);
  CHECK(state.expires_in == seconds(0));
}

TEST_CASE("a quieter override hides lines until it is replaced") {
  SetLogLevel(LogLevel::kInfo);
  SetLogAreaLevel(LogArea::kTx, LogLevel::kError, seconds(0));
  CHECK_FALSE(LogEnabled(LogArea::kTx, LogLevel::kWarn));
  CHECK(LogEnabled(LogArea::kTx, LogLevel::kError));
  CHECK(GetLogAreaState(LogArea::kTx).expires_in == seconds(0));
  CHECK(SetLogAreaLevel(LogArea::kTx, LogLevel::kInfo, seconds(0)) == LogLevel::kError);
  CHECK(LogEnabled(LogArea::kTx, LogLevel::kWarn));
}

TEST_CASE("logger and level names round-trip") {
  for (int i = 0; i < kLogAreaCount; ++i) {
    auto area = static_cast<LogArea>(i);
    CHECK(LogAreaByName(LogAreaName(area)) == area);
  }
  CHECK(LogAreaName(LogArea::kAdminApi) == "admin_api_server");
  CHECK_FALSE(LogAreaByName("nope").has_value());
  CHECK(LogLevelByName("trace") == LogLevel::kTrace);
  CHECK(LogLevelByName("warn") == LogLevel::kWarn);
  CHECK_FALSE(LogLevelByName("WARN").has_value());
}

}  // namespace
}  // namespace kpk
