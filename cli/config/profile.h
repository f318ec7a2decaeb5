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
};

struct ProfileFile {
  bool exists = false;  // false when loaded from a path with no file yet
  int version = kProfileFileVersion;
  std::string current_profile;
  std::vector<Profile> profiles;
  ConfigValues globals;  // globals.* keys

  Profile* Find(std::string_view name);
  const Profile* Find(std::string_view name) const;
};

// $XDG_CONFIG_HOME/kpk/kpk.yaml, else $HOME/.config/kpk/kpk.yaml.
std::string DefaultProfilePath();

// A missing file gives an empty ProfileFile with exists == false.
Result<ProfileFile> LoadProfileFile(const std::string& path);
// Writes atomically (temp file, fsync, rename), creating the directory if needed.
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

// Where a command's connection settings come from.
struct ConfigSources {
  std::string config_path;                         // --config; empty = default path (may not exist)
  std::string profile_name;                        // --profile; empty = KPK_PROFILE, then current
  std::vector<std::string> config_flags;           // -X key=value
  std::function<const char*(const char*)> getenv;  // injectable for tests
};

struct LoadedConfig {
  ConnectionConfig connection;
  std::string profile_name;  // the profile used, empty if none
  std::string path;          // the kpk.yaml consulted
};

// Loads the profile file, picks the profile, and resolves flags > env > profile > defaults.
Result<LoadedConfig> LoadConnectionConfig(const ConfigSources& sources);

}  // namespace config
}  // namespace kpk::cli
