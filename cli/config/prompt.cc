#include "cli/config/prompt.h"

#include <array>
#include <optional>
#include <vector>

#include <fmt/core.h>

#include "cli/format/text.h"

namespace kpk::cli {
inline namespace config {
namespace {

constexpr std::array<std::string_view, 8> kColors = {"black", "red",     "green", "yellow",
                                                     "blue",  "magenta", "cyan",  "white"};

// The SGR code of a colour or modifier word, as rpk's colour names map to ANSI.
std::optional<int> SgrCode(std::string_view word) {
  if (word == "bold") return 1;
  if (word == "faint") return 2;
  if (word == "underline") return 4;
  if (word == "invert") return 7;
  int base = 30;
  if (word.starts_with("bg-")) {
    base = 40;
    word.remove_prefix(3);
  }
  if (word.starts_with("hi-")) {
    base += 60;
    word.remove_prefix(3);
  }
  for (size_t i = 0; i < kColors.size(); ++i) {
    if (word == kColors[i]) return base + static_cast<int>(i);
  }
  return std::nullopt;
}

bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == ','; }

// Splits "(a) (b)" into its groups; a prompt not starting with "(" is one group.
Result<std::vector<std::string>> SplitGroups(std::string_view prompt) {
  std::string_view s = Trim(prompt);
  std::vector<std::string> groups;
  if (s.empty()) return groups;
  if (s.front() != '(') {
    groups.emplace_back(s);
    return groups;
  }
  std::string current;
  bool in_group = false, in_quote = false, escaped = false;
  for (char c : s) {
    if (!in_group) {
      if (IsSeparator(c)) continue;
      if (c != '(')
        return Err(Status::InvalidArgument(
            fmt::format("unexpected character {} while looking for a parenthesized group", c)));
      in_group = true;
      continue;
    }
    if (escaped || (in_quote && c != '"' && c != '\\')) {
      escaped = false;
      current += c;
      continue;
    }
    if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_quote = !in_quote;
    } else if (c == ')') {
      in_group = false;
      if (!Trim(current).empty()) groups.emplace_back(Trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (in_group) return Err(Status::InvalidArgument("prompt is missing a closing paren"));
  return groups;
}

// Replaces %p and %n with the name and %% with %.
Result<std::string> Expand(std::string_view text, std::string_view name) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char next = text[++i];
    if (next == 'p' || next == 'n') {
      out += name;
    } else if (next == '%') {
      out += '%';
    } else {
      return Err(Status::InvalidArgument(fmt::format("unknown escape %{}", next)));
    }
  }
  return out;
}

Status AddCode(std::string& word, std::vector<int>& codes) {
  std::string_view w = Trim(word);
  if (!w.empty()) {
    std::optional<int> code = SgrCode(w);
    if (!code) {
      return Status::InvalidArgument(fmt::format("invalid color or attribute {}", Quote(w)));
    }
    codes.push_back(*code);
  }
  word.clear();
  return Status::OK();
}

// One group: its words become SGR codes, its quoted text (or the name) the printed text.
Result<std::string> RenderGroup(std::string_view group, std::string_view name) {
  std::vector<int> codes;
  std::string word;
  std::optional<std::string> text;
  bool in_quote = false;
  for (size_t i = 0; i < group.size(); ++i) {
    char c = group[i];
    if (in_quote) {
      if (c == '\\' && i + 1 < group.size()) {
        word += group[++i];
      } else if (c == '"') {
        text = std::move(word);
        word.clear();
        in_quote = false;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\\') {
      return Err(Status::InvalidArgument("backslash is only allowed inside a quoted string"));
    }
    if (c == '"') {
      if (text) {
        return Err(Status::InvalidArgument(
            "only one quoted string can appear in a prompt, we saw a second"));
      }
      if (!Trim(word).empty()) {
        return Err(Status::InvalidArgument(
            fmt::format("unexpected text {} before quoted string", Quote(Trim(word)))));
      }
      word.clear();
      in_quote = true;
    } else if (IsSeparator(c)) {
      if (Status s = AddCode(word, codes); !s.ok()) return Err(s);
    } else {
      word += c;
    }
  }
  if (in_quote) return Err(Status::InvalidArgument("prompt has an unterminated quoted string"));
  if (Status s = AddCode(word, codes); !s.ok()) return Err(s);
  Result<std::string> shown = text ? Expand(*text, name) : Result<std::string>(std::string(name));
  if (!shown || codes.empty()) return shown;
  std::vector<std::string> parts;
  for (int code : codes) parts.push_back(std::to_string(code));
  return fmt::format("\x1b[{}m{}\x1b[0m", Join(parts, ";"), *shown);
}

}  // namespace

Result<std::string> RenderPrompt(std::string_view prompt, std::string_view name) {
  auto groups = SplitGroups(prompt);
  if (!groups) return Err(groups.error());
  std::string out;
  for (const std::string& g : *groups) {
    auto rendered = RenderGroup(g, name);
    if (!rendered) return Err(rendered.error());
    out += *rendered;
  }
  return out;
}

}  // namespace config
}  // namespace kpk::cli
