// The version and git commit kpk was built from (filled in by CMake at build time).
#pragma once

namespace kpk::cli {

const char* BuildVersion();
// The short commit hash, with "-dirty" when the tree had changes; "unknown" outside git.
const char* BuildCommit();

}  // namespace kpk::cli
