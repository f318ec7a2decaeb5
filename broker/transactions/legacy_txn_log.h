// A read-only parser of transactions.log, the text log in which kpk releases before
// transactions.state kept the transaction coordinator's state. Only the migration to
// transactions.state (txn_log.h) reads it; nothing writes this format any more.
//
//   file   := line*
//   line   := crc32c(record) as 8 lowercase hex digits | " " | record | "\n"
//   record := one JSON object, no newline (the shapes are in txn_log.cc)
//
// A damaged or unterminated last line is a torn write and is ignored, as the old writer did;
// a damaged line followed by more lines is corruption.
#pragma once

#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::transactions {

// The records of the legacy log at `path`, oldest first.
Result<std::vector<std::string>> ReadLegacyTxnLog(FileSystem& fs, const std::string& path);

}  // namespace kpk::broker::transactions
