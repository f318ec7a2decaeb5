// $EDITOR on a temporary copy of some text, shared by `profile edit` and `edit-globals`.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/commands/profile/profile.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace commands {
inline namespace profile {
namespace {

// Runs $EDITOR (or vi) on `path`, with the terminal attached.
Status RunEditor(const std::string& path) {
  const char* editor = std::getenv("EDITOR");
  std::string command =
      std::string(editor != nullptr && *editor ? editor : "vi") + " '" + path + "'";
  int rc = std::system(command.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    return Status::IOError("editor " + Quote(command) + " failed");
  }
  return Status::OK();
}

}  // namespace

Result<std::string> EditText(const std::string& text) {
  char tmpl[] = "/tmp/kpk-profile-XXXXXX.yaml";
  int fd = ::mkstemps(tmpl, 5);
  if (fd < 0) return Err(Status::FromErrno(errno, "temp file"));
  ::close(fd);
  std::string tmp = tmpl;
  std::ofstream(tmp) << text;
  Status edited = RunEditor(tmp);
  std::stringstream out;
  out << std::ifstream(tmp).rdbuf();
  ::unlink(tmp.c_str());
  if (!edited.ok()) return Err(edited);
  return out.str();
}

}  // namespace profile
}  // namespace commands
}  // namespace kpk::cli
