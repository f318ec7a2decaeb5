#include "common/record.h"

namespace kpk {

void InputRecord::Clear() {
  topic.reset();
  key.reset();
  value.clear();
  headers.clear();
  partition.reset();
  timestamp_ms.reset();
}

}  // namespace kpk
