#include "broker/groups/group_log.h"

#include <fmt/core.h>

#include "broker/storage/log_format.h"

namespace kpk::broker::groups {

Result<std::unique_ptr<GroupLog>> GroupLog::Open(
    Options options, const std::function<void(const format::Record&)>& replay) {
  FileSystem& fs = options.fs ? *options.fs : *DefaultFileSystem();
  const std::string dir = JoinPath(options.data_dir, storage::format::kGroupsDirName);
  if (Status s = fs.CreateDir(dir); !s.ok()) return Err(s);
  storage::StateLog::Options log_options;
  log_options.fs = &fs;
  log_options.path = JoinPath(dir, storage::format::kGroupsLogFileName);
  log_options.magic = std::string(format::kMagic);
  log_options.version = format::kVersion;
  log_options.sync = options.sync;
  log_options.warn = options.warn;
  size_t skipped = 0;
  auto log = storage::StateLog::Open(std::move(log_options), [&](ByteSpan body) {
    format::DecodedBody decoded = format::DecodeBody(body);
    if (!decoded.known) {
      ++skipped;
      return Status::OK();
    }
    if (!decoded.ok) return Status::Corruption("a group record with missing fields");
    replay(decoded.record);
    return Status::OK();
  });
  if (!log) return Err(log.error());
  if (skipped > 0) {
    const std::string message =
        fmt::format("{}: skipped {} records of unknown types", (*log)->path(), skipped);
    if (options.warn) {
      options.warn(message);
    } else {
      fmt::print(stderr, "{}\n", message);
    }
  }
  return std::unique_ptr<GroupLog>(new GroupLog(std::move(*log)));
}

}  // namespace kpk::broker::groups
