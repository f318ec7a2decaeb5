#include "cli/format/offset_spec.h"

#include <algorithm>
#include <chrono>

#include <fmt/core.h>

#include "cli/format/duration.h"
#include "cli/format/text.h"
#include "cli/format/time_format.h"

namespace kpk::cli {
inline namespace format {
namespace {

Status Invalid(std::string_view why) { return Status::InvalidArgument(std::string(why)); }

bool DigitsThenColonOrEnd(std::string_view s, size_t n) {
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return s.size() == n || s[n] == ':';
}

bool DateThenColonOrEnd(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return s.size() == 10 || s[10] == ':';
}

// One side of an @t1:t2 range.
struct TimeHalf {
  size_t length = 0;
  int64_t ms = 0;
  bool end = false;
  bool absolute = false;  // a timestamp, not a duration
};

Result<TimeHalf> ParseTimeHalf(std::string_view half, int64_t base_ms) {
  TimeHalf t;
  if (DigitsThenColonOrEnd(half, 13)) {
    t = {13, *ParseInt(half.substr(0, 13)), false, true};
  } else if (DigitsThenColonOrEnd(half, 10)) {
    t = {10, *ParseInt(half.substr(0, 10)) * 1000, false, true};
  } else if (DateThenColonOrEnd(half)) {
    auto day = ParseDate(half.substr(0, 10));
    if (!day) return Err(day.error());
    t = {10, *day, false, true};
  } else if (size_t z = half.find('Z'); z != std::string_view::npos) {
    auto at = ParseRfc3339Utc(half.substr(0, z + 1));
    if (!at) return Err(Invalid("unable to parse RFC3339 timestamp in " + Quote(half)));
    t = {z + 1, *at, false, true};
  } else if (half == "end") {
    t.length = 3;
    t.end = true;
  } else {
    std::string_view text = half.substr(0, half.find(':'));
    auto d = ParseDuration(text);
    if (!d) return Err(Invalid("unable to parse duration in " + Quote(text)));
    t.length = text.size();
    t.ms = base_ms + std::chrono::duration_cast<std::chrono::milliseconds>(*d).count();
  }
  return t;
}

Result<OffsetSpec> ParseTimeSpec(std::string_view text, int64_t now_ms) {
  OffsetSpec spec;
  TimeHalf from;
  if (!text.starts_with(':')) {
    auto parsed = ParseTimeHalf(text, now_ms);
    if (!parsed) return Err(parsed.error());
    from = *parsed;
    if (from.end) return Err(Invalid("invalid offset @end"));
    spec.from = OffsetSpec::From::kTimestamp;
    spec.from_value = from.ms;
    text.remove_prefix(from.length);
    if (text.empty() || text == ":") return spec;
  }
  if (!text.starts_with(':')) return Err(Invalid("invalid trailing content " + Quote(text)));
  text.remove_prefix(1);
  auto until = ParseTimeHalf(text, from.absolute ? from.ms : now_ms);
  if (!until) return Err(until.error());
  if (until->length != text.size()) {
    return Err(
        Invalid("invalid trailing content " + Quote(text.substr(until->length)) + " after offset"));
  }
  if (until->end) {
    spec.until = OffsetSpec::Until::kCurrentEnd;
  } else {
    spec.until = OffsetSpec::Until::kTimestamp;
    spec.until_value = until->ms;
  }
  return spec;
}

Result<int64_t> Offset(std::string_view text) {
  std::optional<int64_t> n = ParseInt(text);
  if (!n || *n < 0 || text.starts_with('+')) {
    return Err(Invalid("invalid offset " + Quote(text)));
  }
  return *n;
}

}  // namespace

Result<OffsetSpec> ParseOffsetSpec(std::string_view text, int64_t now_ms) {
  using From = OffsetSpec::From;
  using Until = OffsetSpec::Until;
  OffsetSpec spec;
  if (text.starts_with('@')) return ParseTimeSpec(text.substr(1), now_ms);
  if (text == "start" || text == "oldest") return spec;
  if (text == "end" || text == "newest") {
    spec.from = From::kEnd;
    return spec;
  }
  if (text == ":end") {
    spec.until = Until::kCurrentEnd;
    return spec;
  }
  if (text.starts_with('+') || text.starts_with('-')) {
    auto n = Offset(text.substr(1));
    if (!n) return Err(n.error());
    spec.from = text[0] == '+' ? From::kStart : From::kEnd;
    spec.from_value = *n;
    return spec;
  }
  if (!text.empty() && text.back() == ':') text.remove_suffix(1);
  if (auto exact = Offset(text); exact) {
    spec.from = From::kExact;
    spec.from_value = *exact;
    return spec;
  }
  if (text.starts_with(':')) {
    auto end = Offset(text.substr(1));
    if (!end) return Err(end.error());
    spec.until = Until::kExact;
    spec.until_value = *end;
    return spec;
  }
  size_t sep = text.find(':');
  if (sep == std::string_view::npos) sep = text.find('-');
  if (sep == std::string_view::npos) return Err(Invalid("cannot parse offset " + Quote(text)));
  auto start = Offset(text.substr(0, sep));
  if (!start) return Err(start.error());
  spec.from = From::kExact;
  spec.from_value = *start;
  std::string_view rest = text.substr(sep + 1);
  if (rest == "end") {
    spec.until = Until::kCurrentEnd;
    return spec;
  }
  auto end = Offset(rest);
  if (!end) return Err(end.error());
  if (*end <= *start) return Err(Invalid(fmt::format("end {} <= start {}", *end, *start)));
  spec.until = Until::kExact;
  spec.until_value = *end;
  return spec;
}

OffsetRange ResolveOffsetRange(const OffsetSpec& spec, int64_t log_start, int64_t hwm,
                               int64_t from_ts_offset, int64_t until_ts_offset) {
  using From = OffsetSpec::From;
  using Until = OffsetSpec::Until;
  OffsetRange range;
  switch (spec.from) {
    case From::kStart:
      range.start = std::min(hwm, log_start + spec.from_value);
      break;
    case From::kEnd:
      range.start = std::max(log_start, hwm - spec.from_value);
      break;
    case From::kExact:
      // Below the log start there is nothing to read; past the end means "wait for it".
      range.start = std::max(log_start, spec.from_value);
      break;
    case From::kTimestamp:
      range.start = from_ts_offset < 0 ? hwm : std::max(log_start, from_ts_offset);
      break;
  }
  switch (spec.until) {
    case Until::kNone:
      break;
    case Until::kExact:
      range.end = std::min(hwm, spec.until_value);
      break;
    case Until::kCurrentEnd:
      range.end = hwm;
      break;
    case Until::kTimestamp:
      range.end = until_ts_offset < 0 ? hwm : until_ts_offset;
      break;
  }
  return range;
}

}  // namespace format
}  // namespace kpk::cli
