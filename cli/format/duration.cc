#include "cli/format/duration.h"

#include <cmath>
#include <cstdint>

#include <fmt/core.h>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace format {
namespace {

// Nanoseconds per unit; the longest matching unit name wins ("ms" before "m").
struct Unit {
  std::string_view name;
  double nanos;
};
constexpr Unit kUnits[] = {
    {"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6},
    {"s", 1e9},  {"m", 60e9}, {"h", 3600e9},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  std::string_view s = text;
  auto invalid = [&] { return Err(Status::InvalidArgument("invalid duration " + Quote(text))); };
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return invalid();
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t int_digits = i;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t frac_start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      frac_digits = i - frac_start;
    }
    if (int_digits == 0 && frac_digits == 0) return invalid();
    double number = std::stod(std::string(s.substr(0, i)));
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(0, u.name.size()) == u.name &&
          (unit == nullptr || u.name.size() > unit->name.size())) {
        unit = &u;
      }
    }
    if (unit == nullptr) return invalid();
    s.remove_prefix(unit->name.size());
    total += number * unit->nanos;
  }
  if (total > 9.2e18) return invalid();
  auto nanos = static_cast<int64_t>(std::llround(total));
  return std::chrono::nanoseconds(negative ? -nanos : nanos);
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  if (u < 1000000000ULL) {
    if (u % 1000000ULL == 0) return fmt::format("{}{}ms", sign, u / 1000000ULL);
    if (u % 1000ULL == 0) return fmt::format("{}{}us", sign, u / 1000ULL);
    return fmt::format("{}{}ns", sign, u);
  }
  uint64_t total_ms = u / 1000000ULL;
  uint64_t hours = total_ms / 3600000ULL;
  uint64_t minutes = total_ms / 60000ULL % 60;
  uint64_t millis = total_ms % 60000ULL;
  std::string out = sign;
  if (hours > 0) out += fmt::format("{}h", hours);
  if (hours > 0 || minutes > 0) out += fmt::format("{}m", minutes);
  if (millis % 1000 == 0) {
    out += fmt::format("{}s", millis / 1000);
  } else {
    std::string frac = fmt::format("{:03}", millis % 1000);
    while (frac.back() == '0') frac.pop_back();
    out += fmt::format("{}.{}s", millis / 1000, frac);
  }
  return out;
}

}  // namespace format
}  // namespace kpk::cli
