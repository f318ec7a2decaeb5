#include "cli/format/output.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace format {
namespace {

constexpr size_t kMinCellWidth = 6;
constexpr size_t kPadding = 2;

// A string a YAML reader would take for a number, a bool or null (YAML 1.1 or 1.2) must be
// quoted to stay a string, as Go's yaml.v3 does for rpk: "86400000", "true", "".
bool LooksLikeOtherScalar(const std::string& s) {
  static const std::regex kNumber(
      R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+|0o[0-7]+)"
      R"(|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  static const std::regex kWord(
      "~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|"
      "OFF|y|Y|n|N");
  return s.empty() || std::regex_match(s, kNumber) || std::regex_match(s, kWord);
}

void EmitYaml(YAML::Emitter& out, const Json& doc) {
  switch (doc.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, value] : doc.items()) {
        out << YAML::Key << key << YAML::Value;
        EmitYaml(out, value);
      }
      out << YAML::EndMap;
      return;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& value : doc) EmitYaml(out, value);
      out << YAML::EndSeq;
      return;
    case Json::value_t::string: {
      const auto& s = doc.get_ref<const std::string&>();
      if (LooksLikeOtherScalar(s)) out << YAML::DoubleQuoted;
      out << s;
      return;
    }
    case Json::value_t::null:
      out << YAML::Null;
      return;
    default:
      out << doc.dump();  // numbers and bools print as their JSON text
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "text" || text == "wide") return OutputFormat::kText;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return Err(
      Status::InvalidArgument("unknown --format " + Quote(text) + " (use text, json or yaml)"));
}

std::string RenderColumns(const std::vector<std::vector<std::string>>& rows) {
  size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  // widths[c] applies to cells that are followed by another cell in their row.
  std::vector<size_t> widths(columns, kMinCellWidth);
  for (const auto& row : rows) {
    for (size_t c = 0; c + 1 < row.size(); ++c) {
      widths[c] = std::max(widths[c], Utf8Width(row[c]) + kPadding);
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      out += row[c];
      if (c + 1 < row.size()) out.append(widths[c] - Utf8Width(row[c]), ' ');
    }
    out += '\n';
  }
  return out;
}

Table::Table(std::vector<std::string> headers) {
  if (headers.empty()) return;
  for (std::string& h : headers) h = ToUpper(Trim(h));
  rows_.push_back(std::move(headers));
  has_header_ = true;
}

void Table::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string SectionHeader(std::string_view name) {
  std::string upper = ToUpper(name);
  return upper + "\n" + std::string(upper.size(), '=') + "\n";
}

std::string Sections::Add(std::string_view name, std::string_view body) {
  std::string out;
  if (added_ > 0) out += "\n";
  if (shown_ > 1) out += SectionHeader(name);
  out += body;
  ++added_;
  return out;
}

std::string ToYaml(const Json& doc) {
  YAML::Emitter emitter;
  EmitYaml(emitter, doc);
  return std::string(emitter.c_str()) + "\n";
}

std::string RenderStructured(const Json& doc, OutputFormat format) {
  if (format == OutputFormat::kYaml) return ToYaml(doc);
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

bool WriteStdout(std::string_view data) {
  if (data.empty()) return true;
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) return false;
  return std::fflush(stdout) == 0;
}

void WriteStderr(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

bool IsTerminal(std::FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

bool ColorEnabled(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return IsTerminal(stream);
}

std::string Colorize(std::string_view text, Color color, std::FILE* stream) {
  if (!ColorEnabled(stream)) return std::string(text);
  const char* code = color == Color::kRed ? "31" : color == Color::kYellow ? "33" : "1";
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace format
}  // namespace kpk::cli
