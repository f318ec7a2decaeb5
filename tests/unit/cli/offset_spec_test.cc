// The consume offset grammar, table-driven against rpk's documented forms.
#include <doctest/doctest.h>

#include "cli/format/offset_spec.h"

namespace kpk::cli {
namespace {

using From = OffsetSpec::From;
using Until = OffsetSpec::Until;

constexpr int64_t kNow = 1700000000000;  // 2023-11-14T22:13:20Z

OffsetSpec Spec(From f, int64_t fv, Until u = Until::kNone, int64_t uv = 0) {
  return OffsetSpec{f, fv, u, uv};
}

TEST_CASE("offset forms parse to the documented meaning") {
  struct Case {
    const char* text;
    OffsetSpec want;
  };
  const Case cases[] = {
      {"start", Spec(From::kStart, 0)},
      {"oldest", Spec(From::kStart, 0)},
      {"end", Spec(From::kEnd, 0)},
      {"newest", Spec(From::kEnd, 0)},
      {":end", Spec(From::kStart, 0, Until::kCurrentEnd)},
      {"+3", Spec(From::kStart, 3)},
      {"-3", Spec(From::kEnd, 3)},
      {"47", Spec(From::kExact, 47)},
      {"47:", Spec(From::kExact, 47)},
      {":47", Spec(From::kStart, 0, Until::kExact, 47)},
      {"3:9", Spec(From::kExact, 3, Until::kExact, 9)},
      {"3-9", Spec(From::kExact, 3, Until::kExact, 9)},
      {"3:end", Spec(From::kExact, 3, Until::kCurrentEnd)},
      {"@1700000000123", Spec(From::kTimestamp, 1700000000123)},
      {"@1700000000", Spec(From::kTimestamp, 1700000000000)},
      {"@1700000000:", Spec(From::kTimestamp, 1700000000000)},
      {"@2022-02-14", Spec(From::kTimestamp, 1644796800000)},
      {"@2022-02-14:1h", Spec(From::kTimestamp, 1644796800000, Until::kTimestamp, 1644800400000)},
      {"@2022-02-14T10:00:00Z", Spec(From::kTimestamp, 1644832800000)},
      {"@2022-02-14T10:00:00.250Z:end", Spec(From::kTimestamp, 1644832800250, Until::kCurrentEnd)},
      {"@-48h:-24h", Spec(From::kTimestamp, kNow - 172800000, Until::kTimestamp, kNow - 86400000)},
      {"@-1m:end", Spec(From::kTimestamp, kNow - 60000, Until::kCurrentEnd)},
      {"@:-1h", Spec(From::kStart, 0, Until::kTimestamp, kNow - 3600000)},
      {"@1700000000000:1700000001000",
       Spec(From::kTimestamp, 1700000000000, Until::kTimestamp, 1700000001000)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto spec = ParseOffsetSpec(c.text, kNow);
    REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().message()));
    CHECK(spec->from == c.want.from);
    CHECK(spec->from_value == c.want.from_value);
    CHECK(spec->until == c.want.until);
    CHECK(spec->until_value == c.want.until_value);
  }
}

TEST_CASE("malformed offsets are rejected") {
  for (const char* bad : {"", "begin", "+", "-x", "9:3", "5:5", "a:b", "@end", "@", "@xyz",
                          "@2022-02-14:1h:extra", "@2022-13-01", "1.5", "@2022-02-14T10:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseOffsetSpec(bad, kNow).has_value());
  }
}

TEST_CASE("ranges resolve against the log start and high watermark") {
  auto range = [](const char* text, int64_t low, int64_t high, int64_t ts1 = -1, int64_t ts2 = -1) {
    return ResolveOffsetRange(*ParseOffsetSpec(text, kNow), low, high, ts1, ts2);
  };
  CHECK(range("start", 5, 20).start == 5);
  CHECK_FALSE(range("start", 5, 20).end.has_value());
  CHECK(range("end", 5, 20).start == 20);
  CHECK(range("+3", 5, 20).start == 8);
  CHECK(range("+30", 5, 20).start == 20);
  CHECK(range("-3", 5, 20).start == 17);
  CHECK(range("-30", 5, 20).start == 5);
  CHECK(range("2", 5, 20).start == 5);  // below the log start
  CHECK(range("12", 5, 20).start == 12);
  CHECK(*range(":end", 5, 20).end == 20);
  CHECK(*range("7:9", 5, 20).end == 9);
  CHECK(*range("7:90", 5, 20).end == 20);
  CHECK(range(":end", 0, 0).Empty());
  CHECK_FALSE(range(":end", 0, 1).Empty());
  OffsetRange ts = range("@1700000000000:1700000001000", 0, 50, 10, 30);
  CHECK(ts.start == 10);
  CHECK(*ts.end == 30);
  OffsetRange future = range("@1700000000000:end", 0, 50, -1, -1);  // nothing at or after t1
  CHECK(future.start == 50);
  CHECK(future.Empty());
}

}  // namespace
}  // namespace kpk::cli
