#include "common/status.h"

#include <cerrno>
#include <cstring>

namespace kpk {

Status Status::FromErrno(int err, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return NoSpace(msg);
    case ENOENT:
      return NotFound(msg);
    case EEXIST:
      return AlreadyExists(msg);
    default:
      return IOError(msg);
  }
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "not found";
      break;
    case Code::kCorruption:
      name = "corruption";
      break;
    case Code::kInvalidArgument:
      name = "invalid argument";
      break;
    case Code::kIOError:
      name = "I/O error";
      break;
    case Code::kNoSpace:
      name = "no space left";
      break;
    case Code::kAlreadyExists:
      name = "already exists";
      break;
    case Code::kUnavailable:
      name = "unavailable";
      break;
    case Code::kTimedOut:
      name = "timed out";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace kpk
