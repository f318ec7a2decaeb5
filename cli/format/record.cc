#include "cli/format/record.h"

namespace kpk::cli {
inline namespace format {

void InputRecord::Clear() {
  topic.reset();
  key.reset();
  value.clear();
  headers.clear();
  partition.reset();
  timestamp_ms.reset();
}

}  // namespace format
}  // namespace kpk::cli
