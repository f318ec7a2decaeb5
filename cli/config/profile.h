// Profiles: named connection settings in kpk.yaml, shaped like rpk.yaml so rpk users know it:
//
//   version: 1
//   current_profile: dev
//   profiles:
//     - name: dev
//       description: Local dev broker
//       kafka_api: {brokers: [127.0.0.1:9092], tls: {...}, sasl: {user, password, mechanism}}
//       admin_api: {addresses: [127.0.0.1:9644], tls: {...}}
//   globals: {dial_timeout: 3s, request_timeout_overhead: 10s, command_timeout: 30s}
//
// A profile is held as the same flat key -> value form the -X flags use (see config.h), so
// one key table maps flags, environment and files, and `profile set` takes either form.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config/config.h"
#include "common/status.h"

namespace kpk::cli {
inline namespace config {

inline constexpr int kProfileFileVersion = 1;
// rpk.yaml's versions up to this one keep the shape kpk reads (profiles with kafka_api and
// admin_api, globals), so a user's rpk.yaml works with --config. A file keeps its version when
// kpk saves it.
inline constexpr int kNewestRpkYamlVersion = 7;

struct Profile {
  std::string name;
  std::string description;
  ConfigValues values;  // -X name -> raw value, e.g. "brokers" -> "a:9092,b:9092"
  // The profile as read (YAML), so saving keeps the fields kpk does not know (rpk's prompt,
  // schema_registry, from_cloud, ...). Empty for a new profile.
  std::string source_yaml = {};
};

struct ProfileFile {
  bool exists = false;  // false when loaded from a path with no file yet
  int version = kProfileFileVersion;
  std::string current_profile;
  std::vector<Profile> profiles;
  ConfigValues globals;  // globals.* keys
  // A redpanda.yaml given with --config: no profiles, only its `rpk:` section (and the
  // broker's own listeners as the fallback addresses), read as rpk reads it. Never written.
  bool redpanda_yaml = false;
  ConfigValues redpanda_yaml_values;
  // The whole file as read, so saving keeps what kpk does not know (rpk's cloud_auth, ...).
  std::string source_yaml = {};

  Profile* Find(std::string_view name);
  const Profile* Find(std::string_view name) const;
};

// $XDG_CONFIG_HOME/kpk/kpk.yaml, else $HOME/.config/kpk/kpk.yaml.
std::string DefaultProfilePath();
// Where rpk keeps its profiles: $XDG_CONFIG_HOME/rpk/rpk.yaml, else $HOME/.config/rpk/rpk.yaml.
std::string RpkYamlPath();
// The profile file kpk reads and writes without --config: kpk.yaml when it exists, else the
// user's rpk.yaml when that exists (so an rpk user's profiles work unchanged), else kpk.yaml.
std::string ActiveProfilePath();

// A missing file gives an empty ProfileFile with exists == false. A file that is neither a
// profile file (kpk.yaml, rpk.yaml) nor a redpanda.yaml is an error, never an empty config.
Result<ProfileFile> LoadProfileFile(const std::string& path);
// Writes atomically (temp file, fsync, rename), creating the directory if needed. Keys kpk does
// not know are kept as they were read. A redpanda.yaml is refused.
Status SaveProfileFile(const std::string& path, const ProfileFile& file);

// Sets one field: an -X name ("tls.ca"), a yaml path ("kafka_api.tls.ca_file"),
// "description" or "name". An empty value removes the field.
Status SetProfileValue(Profile& profile, std::string_view key, std::string_view value);
// Sets several fields at once and validates the result as a whole, so fields that depend on
// each other (sasl.mechanism needs user) can be given in any order. On error nothing changes.
Status SetProfileValues(Profile& profile,
                        const std::vector<std::pair<std::string, std::string>>& values);

// One profile as YAML (the list item form), for `profile print` and `profile edit`.
std::string ProfileToYaml(const Profile& profile);
Result<Profile> ProfileFromYaml(std::string_view yaml);

// The file's `globals:` as YAML: kpk's keys with their values and the keys kpk does not use
// (rpk's prompt, no_default_cluster, ...) as they are; "{}\n" when there are none.
std::string GlobalsToYaml(const ProfileFile& file);
// Replaces the file's globals with `yaml` (a mapping; empty or null clears them). kpk's keys
// are validated; rpk's other globals are kept as given. On error nothing changes.
Status SetGlobalsFromYaml(ProfileFile& file, std::string_view yaml);
// Sets globals by -X name ("globals.dial_timeout") or field name ("dial_timeout"); rpk's
// globals kpk does not use (prompt, no_default_cluster, ...) are written as given, other keys
// are refused. An empty value removes the key. On error nothing changes.
Status SetGlobalValues(ProfileFile& file,
                       const std::vector<std::pair<std::string, std::string>>& values);
// The prompt `kpk profile prompt` renders: the profile's `prompt`, else globals' `prompt`.
std::string PromptOf(const ProfileFile& file, const Profile& profile);
// The connection settings of a redpanda.yaml's `rpk:` section (kafka_api, admin_api), as
// `rpk profile create --from-redpanda` takes them; the broker's listeners are not used.
Result<ConfigValues> RedpandaYamlRpkValues(const std::string& path);

// For `kpk dev start` and other tools that register a cluster: creates profile `name` or
// updates its brokers and admin hosts (other fields are kept), optionally makes it current,
// and saves. An empty `path` means DefaultProfilePath().
struct ProfileUpsert {
  std::string name;
  std::vector<std::string> brokers;      // host:port; empty leaves the field unchanged
  std::vector<std::string> admin_hosts;  // host:port; empty leaves the field unchanged
  std::string description;               // empty leaves the field unchanged
  bool make_current = false;
};
Status UpsertProfile(const std::string& path, const ProfileUpsert& upsert);

// Removes profile `name` from the file at `path` and saves it; returns whether it was the
// current profile (then no profile is current). kNotFound when there is no such profile.
Result<bool> DeleteProfile(const std::string& path, const std::string& name);

// Where a command's connection settings come from, in precedence order: -X flags, rpk's
// legacy flags, KPK_* environment, RPK_* (and REDPANDA_*) environment, the profile (kpk.yaml, or
// rpk.yaml when there is no kpk.yaml), a redpanda.yaml's `rpk:` section, defaults.
struct ConfigSources {
  std::string config_path;                         // --config; empty = ActiveProfilePath()
  std::string profile_name;                        // --profile; empty = KPK_PROFILE, then current
  std::vector<std::string> config_flags;           // -X key=value
  ConfigValues legacy_flags;                       // --brokers, --user, ... by -X name
  std::function<const char*(const char*)> getenv;  // injectable for tests
};

struct LoadedConfig {
  ConnectionConfig connection;
  std::string profile_name;  // the profile used, empty if none
  std::string path;          // the profile file (or redpanda.yaml) consulted
};

// Loads the profile file, picks the profile, and resolves flags > env > profile > defaults.
Result<LoadedConfig> LoadConnectionConfig(const ConfigSources& sources);

}  // namespace config
}  // namespace kpk::cli
