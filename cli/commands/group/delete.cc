// kpk group delete: deletes groups (which must be empty) and prints GROUP STATUS.
#include <memory>

#include "cli/client/kafka_groups.h"
#include "cli/client/result_view.h"
#include "cli/commands/group/group.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace group {
namespace {

struct DeleteOptions {
  std::vector<std::string> groups;
  std::string format;
};

int RunDelete(const DeleteOptions& opts, const Context& ctx) {
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return kExitFailure;
  auto results = client::DeleteGroups(*client, opts.groups);
  if (!results) return Fail("delete groups", results.error());
  return PrintItemResults("group", *results, opts.format);
}

}  // namespace

void RegisterGroupDelete(CLI::App* group, Context& ctx) {
  auto opts = std::make_shared<DeleteOptions>();
  CLI::App* cmd = group->add_subcommand("delete", "Delete groups (they must have no members)");
  cmd->add_option("groups", opts->groups, "Groups to delete")->required();
  AddFormatFlag(cmd, &opts->format);
  OnRun(cmd, ctx, [opts, &ctx] { return RunDelete(*opts, ctx); });
}

}  // namespace group
}  // namespace commands
}  // namespace kpk::cli
