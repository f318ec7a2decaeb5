// rpk's consume offset grammar (-o/--offset):
//
//   start | oldest      from the log start          end | newest   from the end
//   +N                  N after the log start       -N             N before the end
//   N  or  N:           from exact offset N         :N             from the start until N
//   N:M  or  N-M        from N until M              N:end  :end    until the current end
//   @t  or  @t:         from timestamp t            @:t            from the start until t
//   @t1:t2              from t1 until t2            t2 = end       until the current end
//
// Timestamps: 13 digits (unix ms), 10 digits (unix s), YYYY-MM-DD, RFC 3339 ending in Z, or a
// Go duration relative to now (t2 after a timestamp t1 is relative to t1). Ends are
// exclusive: consuming stops before the end offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

struct OffsetSpec {
  enum class From { kStart, kEnd, kExact, kTimestamp };
  enum class Until { kNone, kExact, kCurrentEnd, kTimestamp };

  From from = From::kStart;
  // kStart: records to skip after the log start; kEnd: records before the end;
  // kExact: the offset; kTimestamp: unix ms.
  int64_t from_value = 0;
  Until until = Until::kNone;
  int64_t until_value = 0;  // kExact: the offset; kTimestamp: unix ms

  bool HasEnd() const { return until != Until::kNone; }
  bool operator==(const OffsetSpec&) const = default;
};

Result<OffsetSpec> ParseOffsetSpec(std::string_view text, int64_t now_ms);

// Where one partition's consumption starts and, if bounded, ends (exclusive).
struct OffsetRange {
  int64_t start = 0;
  std::optional<int64_t> end;
  bool Empty() const { return end && *end <= start; }
};

// Resolves a spec against one partition's log start and high watermark. `from_ts_offset` and
// `until_ts_offset` are the ListOffsets answers for the spec's timestamps (-1: none later).
OffsetRange ResolveOffsetRange(const OffsetSpec& spec, int64_t log_start, int64_t high_watermark,
                               int64_t from_ts_offset = -1, int64_t until_ts_offset = -1);

}  // namespace format
}  // namespace kpk::cli
