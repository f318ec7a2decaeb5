// The one output module: rpk-style tables and sections, --format text|json|yaml, colour
// rules, and stdout writes that survive a closed pipe.
//
// Tables follow Go's text/tabwriter as rpk configures it (minimum cell width 6, padding 2,
// spaces): every column but the last is padded to its widest cell plus two; the last column
// is never padded, so lines carry no trailing blanks.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace kpk::cli {
inline namespace format {

// JSON documents keep their fields in the order a command adds them.
using Json = nlohmann::ordered_json;

enum class OutputFormat { kText, kJson, kYaml };

Result<OutputFormat> ParseOutputFormat(std::string_view text);

// Renders rows of cells with the tabwriter rules above. Rows may differ in length; a column
// is sized over the rows that have a cell after it.
std::string RenderColumns(const std::vector<std::vector<std::string>>& rows);

class Table {
 public:
  // Headers are upper-cased; no headers means no header row (for KEY VALUE blocks).
  explicit Table(std::vector<std::string> headers = {});
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.size() == (has_header_ ? 1u : 0u); }
  std::string Render() const { return RenderColumns(rows_); }

 private:
  bool has_header_ = false;
  std::vector<std::vector<std::string>> rows_;
};

// Prints named sections the way rpk does: a header ("NAME" over "====") only when more than
// one section is shown, and a blank line between sections.
class Sections {
 public:
  explicit Sections(int shown) : shown_(shown) {}
  std::string Add(std::string_view name, std::string_view body);

 private:
  int shown_;
  int added_ = 0;
};

// The header of a section: the upper-cased name over a line of '='.
std::string SectionHeader(std::string_view name);

// Structured output: compact JSON on one line, or block YAML; both end with a newline.
std::string RenderStructured(const Json& doc, OutputFormat format);
std::string ToYaml(const Json& doc);

// Writes to stdout. Returns false once stdout is closed (EPIPE) so streams can stop cleanly.
bool WriteStdout(std::string_view data);
// Writes a diagnostic line to stderr (a newline is added).
void WriteStderr(std::string_view line);

bool IsTerminal(std::FILE* stream);
// Colour only on a terminal, never when NO_COLOR is set or TERM is dumb.
bool ColorEnabled(std::FILE* stream);
enum class Color { kRed, kYellow, kBold };
std::string Colorize(std::string_view text, Color color, std::FILE* stream);

}  // namespace format
}  // namespace kpk::cli
