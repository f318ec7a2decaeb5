#include "cli/format/time_format.h"

#include <ctime>

#include <fmt/core.h>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace format {
namespace {

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};

struct Civil {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
  int hour, minute, second, millis;
  int weekday;      // 0 = Sunday
  int day_of_year;  // 1-366
};

Civil ToCivil(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int millis = static_cast<int>(ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  if (m <= 2) ++y;
  Civil c{y,
          m,
          d,
          static_cast<int>(rem / 3600),
          static_cast<int>(rem / 60 % 60),
          static_cast<int>(rem % 60),
          millis,
          0,
          0};
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.day_of_year = static_cast<int>(days - DaysFromCivil(y, 1, 1) + 1);
  return c;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Fractional seconds: ".000" keeps width, ".999" trims trailing zeros (and the dot).
void AppendFraction(std::string& out, char sep, size_t digits, bool trim, int millis) {
  std::string frac = fmt::format("{:03}", millis);
  frac.resize(digits, '0');
  if (digits > 3) std::fill(frac.begin() + 3, frac.end(), '0');
  if (trim) {
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (frac.empty()) return;
  }
  out += sep;
  out += frac;
}

int64_t Digits(std::string_view s, size_t n, bool* ok) {
  int64_t v = 0;
  if (s.size() < n) {
    *ok = false;
    return 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') *ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void AppendGoTime(std::string& out, std::string_view layout, int64_t ms) {
  Civil c = ToCivil(ms);
  int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  std::string_view s = layout;
  while (!s.empty()) {
    auto take = [&](std::string_view token) {
      if (!StartsWith(s, token)) return false;
      s.remove_prefix(token.size());
      return true;
    };
    if (take("January")) {
      out += kMonths[c.month - 1];
    } else if (take("Jan")) {
      out += std::string_view(kMonths[c.month - 1]).substr(0, 3);
    } else if (take("Monday")) {
      out += kDays[c.weekday];
    } else if (take("Mon")) {
      out += std::string_view(kDays[c.weekday]).substr(0, 3);
    } else if (take("MST")) {
      out += "UTC";
    } else if (take("2006")) {
      out += fmt::format("{:04}", c.year);
    } else if (take("002")) {
      out += fmt::format("{:03}", c.day_of_year);
    } else if (take("01")) {
      out += fmt::format("{:02}", c.month);
    } else if (take("02")) {
      out += fmt::format("{:02}", c.day);
    } else if (take("03")) {
      out += fmt::format("{:02}", hour12);
    } else if (take("04")) {
      out += fmt::format("{:02}", c.minute);
    } else if (take("05")) {
      out += fmt::format("{:02}", c.second);
    } else if (take("06")) {
      out += fmt::format("{:02}", c.year % 100);
    } else if (take("15")) {
      out += fmt::format("{:02}", c.hour);
    } else if (take("__2")) {
      out += fmt::format("{:>3}", c.day_of_year);
    } else if (take("_2")) {
      out += fmt::format("{:>2}", c.day);
    } else if (take("1")) {
      out += std::to_string(c.month);
    } else if (take("2")) {
      out += std::to_string(c.day);
    } else if (take("3")) {
      out += std::to_string(hour12);
    } else if (take("4")) {
      out += std::to_string(c.minute);
    } else if (take("5")) {
      out += std::to_string(c.second);
    } else if (take("PM")) {
      out += c.hour >= 12 ? "PM" : "AM";
    } else if (take("pm")) {
      out += c.hour >= 12 ? "pm" : "am";
    } else if (take("Z07:00:00") || take("Z070000") || take("Z07:00") || take("Z0700") ||
               take("Z07")) {
      out += "Z";
    } else if (take("-07:00:00")) {
      out += "+00:00:00";
    } else if (take("-070000")) {
      out += "+000000";
    } else if (take("-07:00")) {
      out += "+00:00";
    } else if (take("-0700")) {
      out += "+0000";
    } else if (take("-07")) {
      out += "+00";
    } else if ((s[0] == '.' || s[0] == ',') && s.size() > 1 && (s[1] == '0' || s[1] == '9')) {
      char digit = s[1];
      size_t n = 1;
      while (n < s.size() && s[n] == digit) ++n;
      if (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        out += s[0];  // not a fraction: a run followed by more digits
        s.remove_prefix(1);
        continue;
      }
      AppendFraction(out, s[0], n - 1, digit == '9', c.millis);
      s.remove_prefix(n);
    } else {
      out += s[0];
      s.remove_prefix(1);
    }
  }
}

void AppendStrftime(std::string& out, std::string_view format, int64_t ms) {
  if (format.empty()) return;
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  std::string fmt_text(format);
  std::string buf(256 + fmt_text.size() * 4, '\0');
  size_t n = std::strftime(buf.data(), buf.size(), fmt_text.c_str(), &tm);
  out.append(buf.data(), n);
}

Result<int64_t> ParseDate(std::string_view text) {
  bool ok = text.size() == 10 && text[4] == '-' && text[7] == '-';
  int64_t y = Digits(text, 4, &ok);
  int64_t m = Digits(text.substr(5), 2, &ok);
  int64_t d = Digits(text.substr(8), 2, &ok);
  if (!ok || m < 1 || m > 12 || d < 1 || d > 31) {
    return Err(Status::InvalidArgument("invalid date " + Quote(text)));
  }
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400000;
}

Result<int64_t> ParseRfc3339Utc(std::string_view text) {
  auto invalid = [&] {
    return Err(Status::InvalidArgument("invalid RFC3339 time " + Quote(text)));
  };
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    return invalid();
  }
  Result<int64_t> day = ParseDate(text.substr(0, 10));
  if (!day) return invalid();
  bool ok = true;
  int64_t h = Digits(text.substr(11), 2, &ok);
  int64_t mi = Digits(text.substr(14), 2, &ok);
  int64_t s = Digits(text.substr(17), 2, &ok);
  std::string_view frac = text.substr(19, text.size() - 20);
  int64_t millis = 0;
  if (!frac.empty()) {
    if (frac[0] != '.' || frac.size() < 2) return invalid();
    std::string digits(frac.substr(1));
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return invalid();
    }
    digits.resize(3, '0');
    millis = std::stoll(digits);
  }
  if (!ok || h > 23 || mi > 59 || s > 60) return invalid();
  return *day + ((h * 60 + mi) * 60 + s) * 1000 + millis;
}

}  // namespace format
}  // namespace kpk::cli
