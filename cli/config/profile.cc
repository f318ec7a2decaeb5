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

// Removes `path` below `root`, and the maps it leaves empty: an empty `tls:` block would
// mean "TLS on" to rpk.
void Remove(YAML::Node root, std::string_view path) {
  std::vector<std::string> parts = Split(path, '.');
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = Lookup(chain.back(), parts[i]);
    if (!next.IsMap()) return;
    chain.push_back(next);
  }
  for (size_t i = parts.size(); i-- > 0;) {
    YAML::Node parent = chain[i];
    parent.remove(parts[i]);
    if (i == 0 || parent.size() != 0) return;
  }
}

YAML::Node ParseOr(const std::string& yaml, YAML::NodeType::value empty) {
  if (!yaml.empty()) {
    YAML::Node node = YAML::Load(yaml);
    if (node.IsMap()) return node;
  }
  return YAML::Node(empty);
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

std::string Emit(const YAML::Node& node) {
  YAML::Emitter emitter;
  emitter << node;
  return std::string(emitter.c_str()) + "\n";
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

// The profile as read, with kpk's keys set to its values (and removed where it has none).
YAML::Node ProfileNode(const Profile& profile) {
  YAML::Node node = ParseOr(profile.source_yaml, YAML::NodeType::Map);
  node["name"] = profile.name;
  if (!profile.description.empty()) {
    node["description"] = profile.description;
  } else if (node["description"]) {
    node.remove("description");
  }
  for (const ConfigKey& key : ConfigKeys()) {
    if (key.name.starts_with("globals.")) continue;
    auto it = profile.values.find(key.name);
    if (it != profile.values.end()) {
      Assign(node, key.yaml_path, ValueNode(key.name, it->second));
    } else if (Lookup(node, key.yaml_path).IsDefined()) {
      Remove(node, key.yaml_path);
    }
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
  profile.source_yaml = Emit(node);
  return profile;
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

namespace {

std::string UserConfigDir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg != '\0') return xdg;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config";
}

// rpk's redpanda.yaml fallback: the broker's own listeners when the rpk: section names none.
// A wildcard listen address is reached on loopback.
void ListenerFallback(const YAML::Node& listeners, std::string_view key, ConfigValues& values) {
  if (values.contains(key) || !listeners) return;
  std::vector<std::string> hosts;
  auto add = [&hosts](const YAML::Node& l) {
    if (!l.IsMap() || !l["address"]) return;
    std::string address = l["address"].as<std::string>();
    if (address == "0.0.0.0" || address.empty()) address = "127.0.0.1";
    hosts.push_back(l["port"] ? address + ":" + l["port"].as<std::string>() : address);
  };
  if (listeners.IsSequence()) {
    for (const YAML::Node& l : listeners) add(l);
  } else {
    add(listeners);
  }
  if (!hosts.empty()) values[std::string(key)] = Join(hosts, ",");
}

bool IsProfileFile(const YAML::Node& root) {
  for (const char* key : {"profiles", "current_profile", "version", "globals"}) {
    if (root[key]) return true;
  }
  return false;
}

bool IsRedpandaYaml(const YAML::Node& root) { return root["redpanda"] || root["rpk"]; }

ConfigValues RedpandaYamlValues(const YAML::Node& root) {
  ConfigValues values;
  if (root["rpk"] && root["rpk"].IsMap()) values = ValuesFrom(root["rpk"], false);
  if (root["redpanda"] && root["redpanda"].IsMap()) {
    ListenerFallback(root["redpanda"]["kafka_api"], "brokers", values);
    ListenerFallback(root["redpanda"]["admin"], "admin.hosts", values);
  }
  return values;
}

}  // namespace

std::string DefaultProfilePath() { return UserConfigDir() + "/kpk/kpk.yaml"; }

std::string RpkYamlPath() { return UserConfigDir() + "/rpk/rpk.yaml"; }

std::string ActiveProfilePath() {
  std::error_code ec;
  std::string kpk = DefaultProfilePath();
  if (std::filesystem::exists(kpk, ec)) return kpk;
  std::string rpk = RpkYamlPath();
  return std::filesystem::exists(rpk, ec) ? rpk : kpk;
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
    if (!IsProfileFile(root) && IsRedpandaYaml(root)) {
      file.redpanda_yaml = true;
      file.redpanda_yaml_values = RedpandaYamlValues(root);
      return file;
    }
    if (!IsProfileFile(root)) {
      return Err(Status::InvalidArgument(fmt::format(
          "{}: neither a profile file (kpk.yaml, rpk.yaml: profiles) nor a redpanda.yaml "
          "(redpanda:, rpk:); kpk cannot take connection settings from it",
          path)));
    }
    file.source_yaml = text.str();
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

namespace {

// The file's globals block: as read, with kpk's globals.* keys set or removed.
YAML::Node GlobalsNode(const ProfileFile& file) {
  YAML::Node root = ParseOr(file.source_yaml, YAML::NodeType::Map);
  YAML::Node globals =
      root["globals"].IsMap() ? YAML::Clone(root["globals"]) : YAML::Node(YAML::NodeType::Map);
  for (const ConfigKey& key : ConfigKeys()) {
    if (!key.name.starts_with("globals.")) continue;
    std::string field(key.name.substr(8));
    auto it = file.globals.find(key.name);
    if (it != file.globals.end()) {
      globals[field] = it->second;
    } else if (globals[field]) {
      globals.remove(field);
    }
  }
  return globals;
}

}  // namespace

Status SaveProfileFile(const std::string& path, const ProfileFile& file) {
  if (file.redpanda_yaml) {
    return Status::InvalidArgument(
        fmt::format("{} is a redpanda.yaml; profiles live in a kpk.yaml or rpk.yaml", path));
  }
  YAML::Node root = ParseOr(file.source_yaml, YAML::NodeType::Map);
  root["version"] = std::max(file.version, kProfileFileVersion);
  root["current_profile"] = file.current_profile;
  YAML::Node list(YAML::NodeType::Sequence);
  for (const Profile& p : file.profiles) list.push_back(ProfileNode(p));
  root["profiles"] = list;
  YAML::Node globals = GlobalsNode(file);
  if (globals.size() != 0) {
    root["globals"] = globals;
  } else if (root["globals"]) {
    root.remove("globals");
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
    if (key == "prompt") {  // rpk's; kept in the profile's YAML for `profile prompt`
      YAML::Node node = ParseOr(edited.source_yaml, YAML::NodeType::Map);
      if (value.empty()) {
        node.remove("prompt");
      } else {
        node["prompt"] = value;
      }
      edited.source_yaml = Emit(node);
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

namespace {

// rpk's globals that kpk keeps in the file but does not use.
constexpr std::string_view kRpkOnlyGlobals[] = {"prompt", "no_default_cluster", "retry_timeout",
                                                "fetch_max_wait",
                                                "kafka_protocol_request_client_id"};

}  // namespace

std::string GlobalsToYaml(const ProfileFile& file) { return Emit(GlobalsNode(file)); }

Status SetGlobalsFromYaml(ProfileFile& file, std::string_view yaml) {
  YAML::Node globals;
  try {
    globals = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(e.what());
  }
  if (globals.IsNull() || !globals.IsDefined()) globals = YAML::Node(YAML::NodeType::Map);
  if (!globals.IsMap()) return Status::InvalidArgument("globals must be a YAML mapping");
  ConfigValues values = ValuesFrom(globals, true);
  ConfigLayers probe;
  probe.profile = values;
  if (Result<ConnectionConfig> ok = ResolveConnection(probe); !ok) return ok.error();
  YAML::Node root = ParseOr(file.source_yaml, YAML::NodeType::Map);
  if (globals.size() != 0) {
    root["globals"] = globals;
  } else if (root["globals"]) {
    root.remove("globals");
  }
  file.source_yaml = Emit(root);
  file.globals = std::move(values);
  return Status::OK();
}

Status SetGlobalValues(ProfileFile& file,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  YAML::Node globals = GlobalsNode(file);
  for (const auto& [key, value] : values) {
    std::string field = key.starts_with("globals.") ? key.substr(8) : key;
    const ConfigKey* known = FindConfigKey("globals." + field);
    bool rpk_only = std::find(std::begin(kRpkOnlyGlobals), std::end(kRpkOnlyGlobals), field) !=
                    std::end(kRpkOnlyGlobals);
    if (known == nullptr && !rpk_only) {
      return Status::InvalidArgument(fmt::format("unknown globals key {}", Quote(key)));
    }
    if (value.empty()) {
      globals.remove(field);
    } else if (field == "no_default_cluster") {
      // A YAML bool, not the string "true": rpk decodes its rpk.yaml strictly.
      std::optional<bool> b = ParseBool(value);
      if (!b) return Status::InvalidArgument(fmt::format("{} must be true or false", field));
      globals[field] = *b;
    } else {
      globals[field] = value;
    }
  }
  return SetGlobalsFromYaml(file, Emit(globals));
}

std::string PromptOf(const ProfileFile& file, const Profile& profile) {
  YAML::Node node = ParseOr(profile.source_yaml, YAML::NodeType::Map);
  if (node["prompt"] && !ScalarText(node["prompt"]).empty()) return ScalarText(node["prompt"]);
  YAML::Node globals = GlobalsNode(file);
  return globals["prompt"] ? ScalarText(globals["prompt"]) : "";
}

Result<ConfigValues> RedpandaYamlRpkValues(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err(Status::FromErrno(errno, path));
  std::stringstream text;
  text << in.rdbuf();
  try {
    YAML::Node root = YAML::Load(text.str());
    if (!root.IsMap() || !IsRedpandaYaml(root)) {
      return Err(Status::InvalidArgument(path + ": not a redpanda.yaml (no redpanda: or rpk:)"));
    }
    return root["rpk"].IsMap() ? ValuesFrom(root["rpk"], false) : ConfigValues{};
  } catch (const YAML::Exception& e) {
    return Err(Status::Corruption(fmt::format("{}: {}", path, e.what())));
  }
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
  std::string path = path_arg.empty() ? ActiveProfilePath() : path_arg;
  Result<ProfileFile> file = LoadProfileFile(path);
  if (!file) return file.error();
  Profile* profile = file->Find(upsert.name);
  if (profile == nullptr) {
    file->profiles.push_back(Profile{upsert.name, "", {}, ""});
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

Result<bool> DeleteProfile(const std::string& path, const std::string& name) {
  Result<ProfileFile> file = LoadProfileFile(path);
  if (!file) return Err(file.error());
  auto it = std::find_if(file->profiles.begin(), file->profiles.end(),
                         [&](const Profile& p) { return p.name == name; });
  if (it == file->profiles.end()) {
    return Err(Status::NotFound(fmt::format("profile {} does not exist", Quote(name))));
  }
  file->profiles.erase(it);
  bool cleared = file->current_profile == name;
  if (cleared) file->current_profile.clear();
  if (Status s = SaveProfileFile(path, *file); !s.ok()) return Err(s);
  return cleared;
}

Result<LoadedConfig> LoadConnectionConfig(const ConfigSources& sources) {
  auto getenv = sources.getenv ? sources.getenv : [](const char* n) { return std::getenv(n); };
  LoadedConfig loaded;
  loaded.path = sources.config_path.empty() ? ActiveProfilePath() : sources.config_path;
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
  layers.redpanda_yaml = file->redpanda_yaml_values;
  layers.profile = file->globals;
  if (!name.empty() && file->redpanda_yaml) {
    return Err(Status::InvalidArgument(
        fmt::format("{} is a redpanda.yaml, which has no profile {}", loaded.path, Quote(name))));
  }
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
  layers.rpk_env = ConfigValuesFromRpkEnv(getenv);
  layers.env = ConfigValuesFromEnv(getenv);
  Result<ConfigValues> flags = ParseConfigFlags(sources.config_flags);
  if (!flags) return Err(flags.error());
  layers.flags = sources.legacy_flags;
  for (auto& [k, v] : *flags) layers.flags[k] = std::move(v);
  Result<ConnectionConfig> connection = ResolveConnection(layers);
  if (!connection) return Err(connection.error());
  loaded.connection = std::move(*connection);
  return loaded;
}

}  // namespace config
}  // namespace kpk::cli
