#include "cli/config/profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "cli/format/text.h"
#include "common/file_system.h"

namespace kpk::cli {
inline namespace config {
namespace {

bool IsListKey(std::string_view key) { return key == "brokers" || key == "admin.hosts"; }

// Walks `path` ("kafka_api.tls.ca_file") below `root`, returning an undefined node if absent.
// Only const access is used, so looking up never adds entries to the tree.
YAML::Node Lookup(const YAML::Node& root, std::string_view path) {
  YAML::Node node;
  node.reset(root);
  for (const std::string& part : Split(path, '.')) {
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& current = node;
    YAML::Node next = current[part];
    if (!next.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(next);
  }
  return node;
}

void Assign(YAML::Node root, std::string_view path, const YAML::Node& value) {
  std::vector<std::string> parts = Split(path, '.');
  YAML::Node node = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) node.reset(node[parts[i]]);
  node[parts.back()] = value;
}

std::string ScalarText(const YAML::Node& node) {
  if (node.IsSequence()) {
    std::vector<std::string> items;
    for (const YAML::Node& item : node) items.push_back(item.as<std::string>());
    return Join(items, ",");
  }
  return node.IsNull() ? std::string() : node.as<std::string>();
}

// Reads the -X keys found under `node`; `prefix` selects profile keys or globals.
ConfigValues ValuesFrom(const YAML::Node& node, bool globals) {
  ConfigValues values;
  for (const ConfigKey& key : ConfigKeys()) {
    bool is_global = key.name.starts_with("globals.");
    if (is_global != globals) continue;
    std::string_view path = globals ? key.yaml_path.substr(8) : key.yaml_path;
    YAML::Node found = Lookup(node, path);
    if (found.IsDefined() && !found.IsNull()) values[std::string(key.name)] = ScalarText(found);
  }
  // rpk treats a present (even empty) tls block as "TLS on".
  for (auto [block, enabled] : {std::pair{"kafka_api.tls", "tls.enabled"},
                                std::pair{"admin_api.tls", "admin.tls.enabled"}}) {
    if (!globals && Lookup(node, block).IsMap() && !values.contains(enabled)) {
      values[enabled] = "true";
    }
  }
  return values;
}

YAML::Node ValueNode(std::string_view key, const std::string& value) {
  if (IsListKey(key)) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const std::string& item : SplitList(value)) list.push_back(item);
    return list;
  }
  if (std::optional<bool> b = ParseBool(value);
      b && (key.ends_with("enabled") || key.ends_with("insecure_skip_verify"))) {
    return YAML::Node(*b);
  }
  return YAML::Node(value);
}

YAML::Node ProfileNode(const Profile& profile) {
  YAML::Node node(YAML::NodeType::Map);
  node["name"] = profile.name;
  if (!profile.description.empty()) node["description"] = profile.description;
  for (const ConfigKey& key : ConfigKeys()) {
    auto it = profile.values.find(key.name);
    if (it == profile.values.end() || key.name.starts_with("globals.")) continue;
    Assign(node, key.yaml_path, ValueNode(key.name, it->second));
  }
  return node;
}

Result<Profile> ProfileFromNode(const YAML::Node& node) {
  if (!node.IsMap()) return Err(Status::InvalidArgument("a profile must be a mapping"));
  Profile profile;
  if (node["name"]) profile.name = node["name"].as<std::string>();
  if (node["description"]) profile.description = ScalarText(node["description"]);
  if (profile.name.empty()) return Err(Status::InvalidArgument("a profile needs a name"));
  profile.values = ValuesFrom(node, false);
  return profile;
}

std::string Emit(const YAML::Node& node) {
  YAML::Emitter emitter;
  emitter << node;
  return std::string(emitter.c_str()) + "\n";
}

// Profiles may hold SASL passwords: owner-only, and replaced atomically.
Status WriteProfileFile(const std::string& path, const std::string& data) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec)
    return Status::IOError(fmt::format("mkdir {}: {}", p.parent_path().string(), ec.message()));
  return WriteFileAtomically(*DefaultFileSystem(), path, AsBytes(data), /*sync=*/true,
                             /*owner_only=*/true);
}

}  // namespace

Profile* ProfileFile::Find(std::string_view name) {
  for (Profile& p : profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const Profile* ProfileFile::Find(std::string_view name) const {
  return const_cast<ProfileFile*>(this)->Find(name);
}

std::string DefaultProfilePath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/kpk/kpk.yaml";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config/kpk/kpk.yaml";
}

Result<ProfileFile> LoadProfileFile(const std::string& path) {
  ProfileFile file;
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return file;
    return Err(Status::FromErrno(errno, path));
  }
  std::stringstream text;
  text << in.rdbuf();
  file.exists = true;
  try {
    YAML::Node root = YAML::Load(text.str());
    if (root.IsNull()) return file;
    if (!root.IsMap()) return Err(Status::Corruption(path + ": not a YAML mapping"));
    if (root["version"]) file.version = root["version"].as<int>();
    if (file.version > kNewestRpkYamlVersion) {
      return Err(Status::InvalidArgument(
          fmt::format("{} has version {}, newer than this kpk understands ({}); please upgrade kpk",
                      path, file.version, kNewestRpkYamlVersion)));
    }
    if (root["current_profile"]) file.current_profile = ScalarText(root["current_profile"]);
    if (root["globals"]) file.globals = ValuesFrom(root["globals"], true);
    if (YAML::Node list = root["profiles"]; list && list.IsSequence()) {
      for (const YAML::Node& node : list) {
        Result<Profile> p = ProfileFromNode(node);
        if (!p) return Err(Status::Corruption(path + ": " + p.error().message()));
        file.profiles.push_back(std::move(*p));
      }
    }
  } catch (const YAML::Exception& e) {
    return Err(Status::Corruption(fmt::format("{}: {}", path, e.what())));
  }
  return file;
}

Status SaveProfileFile(const std::string& path, const ProfileFile& file) {
  YAML::Node root(YAML::NodeType::Map);
  root["version"] = std::max(file.version, kProfileFileVersion);
  root["current_profile"] = file.current_profile;
  YAML::Node list(YAML::NodeType::Sequence);
  for (const Profile& p : file.profiles) list.push_back(ProfileNode(p));
  root["profiles"] = list;
  if (!file.globals.empty()) {
    YAML::Node globals(YAML::NodeType::Map);
    for (const auto& [key, value] : file.globals) globals[key.substr(8)] = value;
    root["globals"] = globals;
  }
  return WriteProfileFile(path, Emit(root));
}

Status SetProfileValue(Profile& profile, std::string_view key, std::string_view value) {
  return SetProfileValues(profile, {{std::string(key), std::string(value)}});
}

Status SetProfileValues(Profile& profile,
                        const std::vector<std::pair<std::string, std::string>>& values) {
  // Edits a copy and validates once at the end: checking after every key would reject
  // dependent keys given in the "wrong" order (profile edit iterates keys alphabetically, so
  // sasl.mechanism came before user and a valid SASL profile could not be saved).
  Profile edited = profile;
  for (const auto& [key, value] : values) {
    if (key == "name") {
      if (value.empty()) return Status::InvalidArgument("a profile name cannot be empty");
      edited.name = value;
      continue;
    }
    if (key == "description") {
      edited.description = value;
      continue;
    }
    const ConfigKey* known = FindConfigKey(key);
    if (known == nullptr || known->name.starts_with("globals.")) {
      return Status::InvalidArgument(fmt::format("unknown profile key {}", Quote(key)));
    }
    if (value.empty()) {
      edited.values.erase(std::string(known->name));
    } else {
      edited.values[std::string(known->name)] = value;
    }
  }
  ConfigLayers probe;
  probe.profile = edited.values;
  if (Result<ConnectionConfig> ok = ResolveConnection(probe); !ok) return ok.error();
  profile = std::move(edited);
  return Status::OK();
}

std::string ProfileToYaml(const Profile& profile) { return Emit(ProfileNode(profile)); }

Result<Profile> ProfileFromYaml(std::string_view yaml) {
  try {
    return ProfileFromNode(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return Err(Status::InvalidArgument(e.what()));
  }
}

Status UpsertProfile(const std::string& path_arg, const ProfileUpsert& upsert) {
  std::string path = path_arg.empty() ? DefaultProfilePath() : path_arg;
  Result<ProfileFile> file = LoadProfileFile(path);
  if (!file) return file.error();
  Profile* profile = file->Find(upsert.name);
  if (profile == nullptr) {
    file->profiles.push_back(Profile{upsert.name, "", {}});
    profile = &file->profiles.back();
  }
  if (!upsert.brokers.empty()) {
    if (Status s = SetProfileValue(*profile, "brokers", Join(upsert.brokers, ",")); !s.ok())
      return s;
  }
  if (!upsert.admin_hosts.empty()) {
    if (Status s = SetProfileValue(*profile, "admin.hosts", Join(upsert.admin_hosts, ","));
        !s.ok()) {
      return s;
    }
  }
  if (!upsert.description.empty()) profile->description = upsert.description;
  if (upsert.make_current) file->current_profile = upsert.name;
  return SaveProfileFile(path, *file);
}

Result<LoadedConfig> LoadConnectionConfig(const ConfigSources& sources) {
  auto getenv = sources.getenv ? sources.getenv : [](const char* n) { return std::getenv(n); };
  LoadedConfig loaded;
  loaded.path = sources.config_path.empty() ? DefaultProfilePath() : sources.config_path;
  Result<ProfileFile> file = LoadProfileFile(loaded.path);
  if (!file) return Err(file.error());
  if (!file->exists && !sources.config_path.empty()) {
    return Err(Status::NotFound(fmt::format("config file {} does not exist", loaded.path)));
  }

  std::string name = sources.profile_name;
  bool explicit_name = !name.empty();
  if (name.empty()) {
    const char* env = getenv("KPK_PROFILE");
    if (env != nullptr && *env != '\0') {
      name = env;
      explicit_name = true;
    }
  }
  if (name.empty()) name = file->current_profile;

  ConfigLayers layers;
  layers.profile = file->globals;
  if (!name.empty()) {
    const Profile* profile = file->Find(name);
    if (profile == nullptr) {
      return Err(Status::NotFound(fmt::format("{} profile {} does not exist in {}",
                                              explicit_name ? "requested" : "current", Quote(name),
                                              loaded.path)));
    }
    for (const auto& [k, v] : profile->values) layers.profile[k] = v;
    loaded.profile_name = name;
  }
  layers.env = ConfigValuesFromEnv(getenv);
  Result<ConfigValues> flags = ParseConfigFlags(sources.config_flags);
  if (!flags) return Err(flags.error());
  layers.flags = std::move(*flags);
  Result<ConnectionConfig> connection = ResolveConnection(layers);
  if (!connection) return Err(connection.error());
  loaded.connection = std::move(*connection);
  return loaded;
}

}  // namespace config
}  // namespace kpk::cli
