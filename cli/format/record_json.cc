#include "cli/format/record_json.h"

namespace kpk::cli {
inline namespace format {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

void Indent(std::string& out, bool pretty, int level) {
  if (!pretty) return;
  out += '\n';
  out.append(static_cast<size_t>(level) * 2, ' ');
}

void Key(std::string& out, bool pretty, int level, bool& first, std::string_view key) {
  if (!first) out += ',';
  first = false;
  Indent(out, pretty, level);
  out += '"';
  out += key;
  out += pretty ? "\": " : "\":";
}

}  // namespace

void AppendGoJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        out += static_cast<char>(c);
      } else if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s.substr(i));
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 break JavaScript parsers; Go escapes them.
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  out += '"';
}

void AppendRecordJson(std::string& out, const RecordView& r, bool pretty, bool meta_only) {
  bool first = true;
  out += '{';
  Key(out, pretty, 1, first, "topic");
  AppendGoJsonString(out, r.topic);
  if (!r.key.empty()) {
    Key(out, pretty, 1, first, "key");
    AppendGoJsonString(out, r.key);
  }
  if (meta_only) {
    Key(out, pretty, 1, first, "value_size");
    out += std::to_string(r.value.size());
  } else if (!r.value.empty()) {  // rpk: `json:"value,omitempty"`, so tombstones too
    Key(out, pretty, 1, first, "value");
    AppendGoJsonString(out, r.value);
  }
  if (!r.headers.empty()) {
    Key(out, pretty, 1, first, "headers");
    out += '[';
    for (size_t h = 0; h < r.headers.size(); ++h) {
      if (h > 0) out += ',';
      Indent(out, pretty, 2);
      out += '{';
      bool hfirst = true;
      Key(out, pretty, 3, hfirst, "key");
      AppendGoJsonString(out, r.headers[h].key);
      Key(out, pretty, 3, hfirst, "value");
      AppendGoJsonString(out, r.headers[h].value);
      Indent(out, pretty, 2);
      out += '}';
    }
    Indent(out, pretty, 1);
    out += ']';
  }
  Key(out, pretty, 1, first, "timestamp");
  out += std::to_string(r.timestamp_ms);
  Key(out, pretty, 1, first, "partition");
  out += std::to_string(r.partition);
  Key(out, pretty, 1, first, "offset");
  out += std::to_string(r.offset);
  Indent(out, pretty, 0);
  out += "}\n";
}

}  // namespace format
}  // namespace kpk::cli
