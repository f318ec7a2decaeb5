#include "cli/commands/group/group.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {

void RegisterGroup(CLI::App& root, Context& ctx) {
  CLI::App* group = root.add_subcommand("group", "Describe, list, seek and delete consumer groups");
  group->alias("g");
  group->require_subcommand(0, 1);
  RegisterGroupList(group, ctx);
  RegisterGroupDescribe(group, ctx);
  RegisterGroupSeek(group, ctx);
  RegisterGroupDelete(group, ctx);
  RegisterGroupOffsetDelete(group, ctx);
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
