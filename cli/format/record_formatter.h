// rpk's record output format (-f for consume, -o for produce), as franz-go's RecordFormatter
// defines it: text with \t \n \r \\ \xNN escapes and percent verbs
//
//   %t %T topic / length     %k %K key / length      %v %V value / length
//   %h{...} headers (inner %k %v %K %V)   %H header count
//   %p partition  %o offset  %e leader epoch  %d timestamp  %x producer id  %y producer epoch
//   %a{attr[;fmt]} attributes  %[ %| %] log start / last stable / high watermark
//   %i records formatted so far   %% %{ %} literal characters
//
// with modifiers in braces: numbers {ascii, hex, hex4..hex64, big8..big64, little8..little64,
// byte, bool}; text {hex, base64, base64raw, unpack[...]}; timestamps also
// {strftime[...]} and {go[...]} (UTC).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/format/record.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace format {

class RecordFormatter {
 public:
  static Result<RecordFormatter> Parse(std::string_view layout);

  RecordFormatter(RecordFormatter&&) noexcept;
  RecordFormatter& operator=(RecordFormatter&&) noexcept;
  ~RecordFormatter();

  // Appends the formatted record; `partition` may be null (its verbs then print -1).
  void Append(std::string& out, const RecordView& record, const PartitionView* partition);
  // True when the format prints nothing at all (e.g. produce -o '').
  bool empty() const;
  // Whether the format reads headers (%h %H) or partition offsets (%[ %| %]), which cost a
  // little to gather per record.
  bool uses_headers() const { return uses_headers_; }
  bool uses_partition() const { return uses_partition_; }

  struct Step;  // one literal or verb; defined in the .cc

 private:
  RecordFormatter();
  std::vector<Step> steps_;
  int64_t calls_ = 0;
  bool uses_headers_ = false;
  bool uses_partition_ = false;
};

// Parses a slash escape after '\' at the start of `rest`; returns the byte and consumed length.
Result<std::pair<char, size_t>> ParseSlashEscape(std::string_view rest);

// Extracts text wrapped in repeated delimiters: "[[x]]rest" -> ("x", "rest"). '{' '[' '('
// close with their mirror; any other character closes with itself ("#x#").
Result<std::pair<std::string_view, std::string_view>> UnwrapDelimited(std::string_view text);

}  // namespace format
}  // namespace kpk::cli
