#include "cli/commands/cluster/config/source.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "cli/client/kafka_cluster_config.h"
#include "cli/runtime.h"

namespace kpk::cli {
inline namespace commands {
inline namespace cluster {
namespace {

class AdminSource : public ClusterConfigSource {
 public:
  explicit AdminSource(client::AdminClient admin) : admin_(std::move(admin)) {}

  // The first request; its kUnavailable tells that no Admin API is there.
  Result<Json> Schema() override {
    if (schema_) return *schema_;
    auto doc = admin_.GetJson("/v1/cluster_config/schema");
    if (!doc) return Err(doc.error());
    if (!doc->contains("properties") || !(*doc)["properties"].is_object()) {
      return Err(Status::Corruption("the schema has no properties"));
    }
    schema_ = (*doc)["properties"];
    return *schema_;
  }

  Result<Json> Values(bool include_defaults) override {
    return admin_.GetJson(
        fmt::format("/v1/cluster_config?include_defaults={}", include_defaults ? "true" : "false"));
  }

  Result<ConfigPatchOutcome> Patch(const Json& upsert,
                                   const std::vector<std::string>& remove) override {
    Json body = {{"upsert", upsert}, {"remove", remove}};
    auto response = admin_.Send("PUT", "/v1/cluster_config", body.dump());
    if (!response) return Err(response.error());
    ConfigPatchOutcome outcome;
    if (response->status == 400) {
      // Redpanda's validation failure: a bare {property: error} map.
      Json errors = Json::parse(response->body, nullptr, false);
      bool per_property = errors.is_object() && !errors.empty();
      if (per_property) {
        for (auto& [k, v] : errors.items()) per_property = per_property && v.is_string();
      }
      if (!per_property) return Err(Status::InvalidArgument(response->ErrorMessage()));
      for (auto& [k, v] : errors.items()) outcome.errors[k] = v.get<std::string>();
      return outcome;
    }
    auto doc = JsonOf(*response);
    if (!doc) return Err(doc.error());
    if (doc->contains("config_version")) outcome.version = (*doc)["config_version"].get<int64_t>();
    return outcome;
  }

  Result<Json> NodeStatus() override { return admin_.GetJson("/v1/cluster_config/status"); }
  bool via_kafka() const override { return false; }

 private:
  client::AdminClient admin_;
  std::optional<Json> schema_;
};

class KafkaSource : public ClusterConfigSource {
 public:
  explicit KafkaSource(client::Client client) : client_(std::move(client)) {}

  Result<Json> Schema() override {
    if (Status s = Load(); !s.ok()) return Err(s);
    Json schema = Json::object();
    for (const auto& p : properties_) {
      schema[p.name] = {{"type", p.type},
                        {"description", p.documentation},
                        {"nullable", false},
                        // Kafka changes a read-only broker config only in server.properties.
                        {"needs_restart", p.read_only},
                        {"is_secret", p.sensitive},
                        {"visibility", "user"},
                        {"kafka_name", p.kafka_name}};
    }
    return schema;
  }

  Result<Json> Values(bool include_defaults) override {
    if (Status s = Load(); !s.ok()) return Err(s);
    Json values = Json::object();
    for (const auto& p : properties_) {
      if (!include_defaults && p.source == "DEFAULT_CONFIG") continue;
      values[p.name] = client::KafkaPropertyJson(p);
    }
    return values;
  }

  Result<ConfigPatchOutcome> Patch(const Json& upsert,
                                   const std::vector<std::string>& remove) override {
    if (Status s = Load(); !s.ok()) return Err(s);
    ConfigPatchOutcome outcome;
    std::vector<std::pair<std::string, std::optional<std::string>>> changes;
    auto kafka_name = [&](const std::string& name) -> std::optional<std::string> {
      const client::KafkaProperty* p = Find(name);
      if (p == nullptr) {
        outcome.errors[name] =
            client::KafkaNameOf(name).empty()
                ? "Unknown property: no Kafka broker config corresponds to it"
                : "the Kafka cluster does not have " + std::string(client::KafkaNameOf(name));
        return std::nullopt;
      }
      if (p->read_only) {
        outcome.errors[name] = p->kafka_name + " is read-only in Kafka (server.properties only)";
        return std::nullopt;
      }
      return p->kafka_name;
    };
    for (const auto& [name, value] : upsert.items()) {
      auto kafka = kafka_name(name);
      if (!kafka) continue;
      if (value.is_null()) {
        changes.emplace_back(*kafka, std::nullopt);
      } else {
        changes.emplace_back(*kafka, value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    for (const auto& name : remove) {
      if (auto kafka = kafka_name(name)) changes.emplace_back(*kafka, std::nullopt);
    }
    if (!outcome.errors.empty()) return outcome;
    if (Status s = client::AlterKafkaClusterDefaults(client_, changes); !s.ok()) return Err(s);
    loaded_ = false;
    return outcome;
  }

  Result<Json> NodeStatus() override {
    return Err(Status::Unavailable(
        "the Kafka protocol has no cluster config status (it needs the Admin API)"));
  }
  bool via_kafka() const override { return true; }

  // Which properties the Kafka protocol cannot reach, said once on stderr.
  void SayUnreachable() {
    if (!Load().ok()) return;
    std::vector<std::string> read_only, absent;
    for (const auto& n : client::PropertyKafkaNames()) {
      const client::KafkaProperty* p = Find(std::string(n.redpanda));
      if (p == nullptr) absent.push_back(std::string(n.redpanda));
      if (p != nullptr && p->read_only) {
        read_only.push_back(fmt::format("{} ({})", n.redpanda, n.kafka));
      }
    }
    auto join = [](const std::vector<std::string>& v) {
      std::string out;
      for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
      return out;
    };
    WriteStderr(
        "Only the cluster properties that are Kafka broker configs are reachable; other "
        "Redpanda properties are not.");
    if (!read_only.empty()) WriteStderr("Read-only in Kafka, not settable: " + join(read_only));
    if (!absent.empty()) WriteStderr("Not known to this Kafka cluster: " + join(absent));
  }

 private:
  Status Load() {
    if (loaded_) return Status::OK();
    auto described = client::DescribeKafkaProperties(client_);
    if (!described) return described.error();
    properties_ = std::move(*described);
    loaded_ = true;
    return Status::OK();
  }

  const client::KafkaProperty* Find(const std::string& name) const {
    for (const auto& p : properties_) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  client::Client client_;
  std::vector<client::KafkaProperty> properties_;
  bool loaded_ = false;
};

std::string FormatNumber(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  double d = v.get<double>();
  if (std::trunc(d) == d && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<int64_t>(d));
  return fmt::format("{}", d);
}

// A YAML scalar as Go's yaml.v3 decodes it into `any`: bool, int, float, null or string.
Json ScalarJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: a string
  if (s.empty() || s == "~" || s == "null") return nullptr;
  if (s == "true") return true;
  if (s == "false") return false;
  Json number = Json::parse(s, nullptr, false);
  if (number.is_number()) return number;
  return s;
}

Json NodeJson(const YAML::Node& node) {
  if (node.IsSequence()) {
    Json items = Json::array();
    for (const auto& item : node) items.push_back(NodeJson(item));
    return items;
  }
  if (node.IsMap()) {
    Json out = Json::object();
    for (const auto& kv : node) out[kv.first.as<std::string>()] = NodeJson(kv.second);
    return out;
  }
  if (node.IsNull()) return nullptr;
  return ScalarJson(node);
}

// The value read from the file, in the type the schema gives (rpk's normalisation: YAML says
// `1` is an integer even for a number property, and `true` a bool even for a string one).
Json Normalize(Json v, const Json* meta) {
  if (meta == nullptr) return v;
  std::string type = meta->value("type", "");
  if (type == "integer" && v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>()) {
    return static_cast<int64_t>(v.get<double>());
  }
  if (type == "number" && v.is_number_integer()) return static_cast<double>(v.get<int64_t>());
  if (type == "string" && v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v;
}

bool SameValue(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

}  // namespace

std::unique_ptr<ClusterConfigSource> OpenConfigSource(const Context& ctx) {
  std::optional<client::AdminClient> admin = OpenAdmin(ctx);
  if (!admin) return nullptr;
  auto source = std::make_unique<AdminSource>(std::move(*admin));
  auto schema = source->Schema();
  if (schema) return source;
  if (schema.error().code() != Status::Code::kUnavailable) {
    Fail("query config schema", schema.error());
    return nullptr;
  }
  WriteStderr(
      "No Admin API answered; using the Kafka protocol: the cluster-wide dynamic broker "
      "configs (DescribeConfigs, IncrementalAlterConfigs on BROKER \"\").");
  std::optional<client::Client> client = OpenClient(ctx);
  if (!client) return nullptr;
  auto kafka = std::make_unique<KafkaSource>(std::move(*client));
  kafka->SayUnreachable();
  return kafka;
}

std::string ValidationErrors(const std::map<std::string, std::string>& errors) {
  std::string out = "Validation errors:\n";
  for (const auto& [k, v] : errors) out += fmt::format(" * {}: {}\n", k, v);
  return out + "\n";
}

void PrintPatched(ClusterConfigSource& source, const ConfigPatchOutcome& outcome) {
  if (!outcome.version) {
    WriteStdout("Successfully updated configuration.\n");
    return;
  }
  WriteStdout(fmt::format("Successfully updated configuration. New configuration version is {}.\n",
                          *outcome.version));
  auto status = source.NodeStatus();
  if (!status) {
    Fail("check if the cluster needs to be restarted",
         status.error().message() + "\nCheck the status with 'kpk cluster config status'.");
    return;
  }
  for (const Json& node : *status) {
    if (node.value("restart", false)) {
      WriteStdout(
          "\nCluster needs to be restarted. See more details with 'kpk cluster config "
          "status'.\n");
      return;
    }
  }
}

std::string PlainValue(const Json& value) {
  if (value.is_null()) return "<nil>";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return FormatNumber(value);
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? " " : "") + PlainValue(value[i]);
    return out + "]";
  }
  return value.dump();
}

std::string ExportYaml(const Json& schema, const Json& values, bool all) {
  std::string out;
  for (const auto& [name, meta] : schema.items()) {  // nlohmann::json sorts keys
    if (name == "cluster_id") continue;
    std::string visibility = meta.value("visibility", "user");
    if (visibility == "deprecated" || (visibility == "tunable" && !all)) continue;
    std::vector<std::string> notes;
    if (meta.contains("enum_values") && !meta["enum_values"].empty()) {
      std::string one_of;
      for (const auto& e : meta["enum_values"]) {
        one_of += (one_of.empty() ? "" : ", ") + e.get<std::string>();
      }
      notes.push_back("one of " + one_of);
    } else if (meta.contains("example") && meta["example"].is_string()) {
      notes.push_back(fmt::format("e.g. '{}'", meta["example"].get<std::string>()));
    }
    if (meta.value("needs_restart", false)) notes.push_back("restart required");
    if (meta.value("nullable", false)) notes.push_back("may be nil");
    std::string details;
    for (const auto& n : notes) details += (details.empty() ? "" : ", ") + n;
    out += fmt::format("\n# {}{}\n", meta.value("description", ""),
                       details.empty() ? "" : " (" + details + ")");
    Json value = values.contains(name) ? values[name] : Json();
    std::string scalar = value.is_null() ? "" : PlainValue(value);
    out += scalar.empty() ? name + ":\n" : fmt::format("{}: {}\n", name, scalar);
  }
  return out;
}

Result<Json> ReadConfigYaml(const std::string& path) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (root.IsNull()) return Json::object();
    if (!root.IsMap()) return Err(Status::InvalidArgument("the file is not a YAML mapping"));
    return NodeJson(root);
  } catch (const YAML::BadFile&) {
    return Err(Status::NotFound(fmt::format("error reading file {}", path)));
  } catch (const YAML::Exception& e) {
    return Err(Status::InvalidArgument(fmt::format("error parsing edited config: {}", e.what())));
  }
}

int ImportConfig(ClusterConfigSource& source, const std::string& path, const Json& schema,
                 const Json& changed, const Json& full, bool all) {
  auto file = ReadConfigYaml(path);
  if (!file) return Fail("update config", file.error());
  Json upsert = Json::object();
  std::vector<std::string> remove;
  Table deltas({"PROPERTY", "PRIOR", "NEW"});
  for (const auto& [name, raw] : file->items()) {
    if (name == "cluster_id") continue;
    const Json* meta = schema.contains(name) ? &schema[name] : nullptr;
    Json value = Normalize(raw, meta);
    const bool was_set = changed.contains(name);
    const Json prior = was_set ? changed[name] : full.contains(name) ? full[name] : Json();
    if ((was_set || full.contains(name)) && SameValue(prior, value)) continue;
    upsert[name] = value;
    deltas.AddRow({name, PlainValue(prior), PlainValue(value)});
  }
  for (const auto& [name, value] : full.items()) {
    if (file->contains(name) || name == "cluster_id" || !schema.contains(name)) continue;
    if (!all && schema[name].value("visibility", "user") == "tunable") continue;
    if (!changed.contains(name)) continue;
    deltas.AddRow({name, PlainValue(changed[name]), ""});
    remove.push_back(name);
  }
  if (upsert.empty() && remove.empty()) {
    WriteStdout("No changes were made.\n");
    return kExitOk;
  }
  WriteStdout(deltas.Render() + "\n");
  auto outcome = source.Patch(upsert, remove);
  if (!outcome) return Fail("update config", outcome.error());
  if (!outcome->errors.empty()) {
    std::fputs(ValidationErrors(outcome->errors).c_str(), stderr);
    WriteStderr("No changes were made");
    return kExitFailure;
  }
  PrintPatched(source, *outcome);
  return kExitOk;
}

}  // namespace cluster
}  // namespace commands
}  // namespace kpk::cli
