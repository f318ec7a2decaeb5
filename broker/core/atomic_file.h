// Replacing a small file so that a crash leaves either the old or the new contents, never a
// mix: write a temporary file, fsync it, rename it over the old one, fsync the directory.
#pragma once

#include <string>

#include "common/status.h"

namespace kpk::broker::inline core {

Status WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace kpk::broker::core
