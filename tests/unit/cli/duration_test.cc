// Go-style durations.
#include <doctest/doctest.h>

#include "cli/format/duration.h"

namespace kpk::cli {
namespace {

using std::chrono::nanoseconds;

int64_t Ms(std::string_view text) {
  auto d = ParseDuration(text);
  REQUIRE_MESSAGE(d.has_value(), text);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d).count();
}

TEST_CASE("durations parse like Go's time.ParseDuration") {
  struct Case {
    const char* text;
    int64_t ms;
  };
  for (const Case& c :
       {Case{"0", 0}, Case{"3ms", 3}, Case{"10s", 10000}, Case{"9m", 540000}, Case{"1h", 3600000},
        Case{"1m3ms", 60003}, Case{"1.5s", 1500}, Case{"-48h", -172800000}, Case{"+2s", 2000},
        Case{"1h30m", 5400000}, Case{"500us", 0}, Case{".5s", 500}}) {
    CAPTURE(c.text);
    CHECK(Ms(c.text) == c.ms);
  }
  CHECK(ParseDuration("1500ns")->count() == 1500);
}

TEST_CASE("malformed durations are errors") {
  for (const char* bad : {"", "s", "10", "1x", "1hh", "--1s", "1 s", "hour"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
}

TEST_CASE("durations format compactly") {
  CHECK(FormatDuration(nanoseconds(0)) == "0s");
  CHECK(FormatDuration(std::chrono::milliseconds(250)) == "250ms");
  CHECK(FormatDuration(std::chrono::seconds(90)) == "1m30s");
  CHECK(FormatDuration(std::chrono::milliseconds(1500)) == "1.5s");
  CHECK(FormatDuration(std::chrono::hours(2)) == "2h0m0s");
}

}  // namespace
}  // namespace kpk::cli
