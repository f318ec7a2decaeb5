// The JSON shape rpk prints for consumed records, byte for byte as Go's encoding/json writes
// it: fields topic, key, value (or value_size with --meta-only), headers, timestamp,
// partition, offset; an empty key, a null value and no headers are left out; strings escape
// <, > and & as \u003c etc.; pretty output indents by two spaces.
#pragma once

#include <string>
#include <string_view>

#include "cli/format/record.h"

namespace kpk::cli {
inline namespace format {

void AppendRecordJson(std::string& out, const RecordView& record, bool pretty, bool meta_only);

// A JSON string literal in Go's encoding: invalid UTF-8 becomes \ufffd.
void AppendGoJsonString(std::string& out, std::string_view text);

}  // namespace format
}  // namespace kpk::cli
