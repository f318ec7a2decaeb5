// rpk's record input format (produce -f), as franz-go's RecordReader defines it: the input is
// tokenised by the layout, one record each time the layout is fully matched.
//
//   %t %k %v        topic, key, value: read up to the literal that follows, or a sized
//                   amount when %T %K %V came earlier; {hex} {base64} decode, {re[...]} match
//   %T %K %V %H     sizes and header count: ascii digits by default, or {big16}, {hex8},
//                   {byte}, {bool}, or {N} for a fixed size without reading
//   %h{...}         %H headers, each read with the inner layout's %k and %v
//   %p %o %e %d %x %y  partition, offset, epoch, timestamp (ms), producer id/epoch numbers
//   \t \n \r \\ \xNN escapes; %% %{ %} literal characters
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/format/input_reader.h"
#include "cli/format/record.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace format {

class RecordReader {
 public:
  static Result<RecordReader> Parse(std::string_view layout);

  RecordReader(RecordReader&&) noexcept;
  RecordReader& operator=(RecordReader&&) noexcept;
  ~RecordReader();

  // Reads the next record into `record` (cleared first). Returns false at a clean end of input;
  // input that does not match the layout, or ends inside a record, is an error.
  Result<bool> Next(InputReader& in, InputRecord* record);

  struct Step;  // defined in the .cc

 private:
  RecordReader();
  Result<bool> NextInto(InputReader& in, InputRecord* record);
  Status Store(const Step& step, InputRecord* record);

  std::vector<Step> steps_;
  uint64_t sizes_[4] = {};  // topic, key, value, header count read so far in this record
  std::string buf_;         // scratch for the field being read
};

}  // namespace format
}  // namespace kpk::cli
