// Where `kpk cluster config` reads and writes the cluster configuration: the Admin API
// (/v1/cluster_config*, Redpanda and kpk's broker), or, when no admin host answers (Apache
// Kafka), the Kafka protocol on the cluster-wide dynamic broker configs. Shared by the verbs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/format/output.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {

struct ConfigPatchOutcome {
  std::optional<int64_t> version;             // none over the Kafka protocol
  std::map<std::string, std::string> errors;  // a 400's per-property errors; nothing changed
};

class ClusterConfigSource {
 public:
  virtual ~ClusterConfigSource() = default;
  // {name: {type, description, needs_restart, nullable, visibility, ...}}, Redpanda's schema.
  virtual Result<Json> Schema() = 0;
  // {name: value}; without defaults only the properties changed from their default.
  virtual Result<Json> Values(bool include_defaults) = 0;
  virtual Result<ConfigPatchOutcome> Patch(const Json& upsert,
                                           const std::vector<std::string>& remove) = 0;
  // [{node_id, restart, config_version, invalid, unknown}].
  virtual Result<Json> NodeStatus() = 0;
  virtual bool via_kafka() const = 0;
};

// The Admin API's source; when every admin host refuses, says so on stderr and returns the
// Kafka protocol's. Reports failures itself and returns null.
std::unique_ptr<ClusterConfigSource> OpenConfigSource(const Context& ctx);

// "Validation errors:\n * key: error\n..." as rpk prints a 400.
std::string ValidationErrors(const std::map<std::string, std::string>& errors);
// Prints the success line of a change and, when a node waits for a restart, rpk's hint.
void PrintPatched(ClusterConfigSource& source, const ConfigPatchOutcome& outcome);

// A value as Go's %v prints what rpk decoded from JSON (tables of import).
std::string PlainValue(const Json& value);

// rpk's export: the properties (tunables only with `all`) as YAML, descriptions as comments.
std::string ExportYaml(const Json& schema, const Json& values, bool all);
// Reads an exported (and edited) file back; every scalar keeps its YAML type.
Result<Json> ReadConfigYaml(const std::string& path);
// rpk's import: the changes from `changed`/`full` to the file, printed as a PROPERTY PRIOR NEW
// table and applied. Returns the exit code.
int ImportConfig(ClusterConfigSource& source, const std::string& path, const Json& schema,
                 const Json& changed, const Json& full, bool all);

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
