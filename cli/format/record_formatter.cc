#include "cli/format/record_formatter.h"

#include <cstring>
#include <optional>

#include <fmt/core.h>

#include "cli/format/text.h"
#include "cli/format/time_format.h"

namespace kpk::cli {
inline namespace format {
namespace {

enum class NumFmt {
  kAscii,
  kHex,
  kHex4,
  kHex8,
  kHex16,
  kHex32,
  kHex64,
  kByte,
  kBig16,
  kBig32,
  kBig64,
  kLittle16,
  kLittle32,
  kLittle64,
  kBool,
};
enum class TextEnc { kPlain, kHex, kBase64, kBase64Raw, kUnpack };

struct UnpackOp {
  char code;
  bool little;
};

constexpr char kHexDigits[] = "0123456789abcdef";

std::optional<NumFmt> NumFmtByName(std::string_view name) {
  static constexpr std::pair<std::string_view, NumFmt> kNames[] = {
      {"ascii", NumFmt::kAscii},       {"hex", NumFmt::kHex},
      {"hex4", NumFmt::kHex4},         {"hex8", NumFmt::kHex8},
      {"hex16", NumFmt::kHex16},       {"hex32", NumFmt::kHex32},
      {"hex64", NumFmt::kHex64},       {"byte", NumFmt::kByte},
      {"big8", NumFmt::kByte},         {"little8", NumFmt::kByte},
      {"big16", NumFmt::kBig16},       {"big32", NumFmt::kBig32},
      {"big64", NumFmt::kBig64},       {"little16", NumFmt::kLittle16},
      {"little32", NumFmt::kLittle32}, {"little64", NumFmt::kLittle64},
      {"bool", NumFmt::kBool},         {"number", NumFmt::kAscii},
  };
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

void AppendHexDigits(std::string& out, uint64_t u, int digits) {
  for (int i = digits - 1; i >= 0; --i) out += kHexDigits[(u >> (4 * i)) & 0xf];
}

void AppendBytes(std::string& out, uint64_t u, int bytes, bool little) {
  for (int i = 0; i < bytes; ++i) {
    int shift = little ? 8 * i : 8 * (bytes - 1 - i);
    out += static_cast<char>((u >> shift) & 0xff);
  }
}

void AppendNumber(std::string& out, int64_t n, NumFmt f) {
  auto u = static_cast<uint64_t>(n);
  switch (f) {
    case NumFmt::kAscii:
      out += std::to_string(n);
      break;
    case NumFmt::kHex:
      out += fmt::format("{:x}", u);
      break;
    case NumFmt::kHex4:
      AppendHexDigits(out, u, 1);
      break;
    case NumFmt::kHex8:
      AppendHexDigits(out, u, 2);
      break;
    case NumFmt::kHex16:
      AppendHexDigits(out, u, 4);
      break;
    case NumFmt::kHex32:
      AppendHexDigits(out, u, 8);
      break;
    case NumFmt::kHex64:
      AppendHexDigits(out, u, 16);
      break;
    case NumFmt::kByte:
      AppendBytes(out, u, 1, false);
      break;
    case NumFmt::kBig16:
      AppendBytes(out, u, 2, false);
      break;
    case NumFmt::kBig32:
      AppendBytes(out, u, 4, false);
      break;
    case NumFmt::kBig64:
      AppendBytes(out, u, 8, false);
      break;
    case NumFmt::kLittle16:
      AppendBytes(out, u, 2, true);
      break;
    case NumFmt::kLittle32:
      AppendBytes(out, u, 4, true);
      break;
    case NumFmt::kLittle64:
      AppendBytes(out, u, 8, true);
      break;
    case NumFmt::kBool:
      out += n != 0 ? "true" : "false";
      break;
  }
}

void AppendBase64(std::string& out, std::string_view in, bool pad) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 0) return;
  uint32_t v = uint8_t(in[i]) << 16;
  if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
  out += kAlphabet[(v >> 18) & 63];
  out += kAlphabet[(v >> 12) & 63];
  if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  if (pad) out.append(rest == 1 ? 2 : 1, '=');
}

Result<std::vector<UnpackOp>> ParseUnpack(std::string_view spec) {
  std::vector<UnpackOp> ops;
  bool little = true;
  bool saw_end = false;
  for (char c : spec) {
    if (saw_end) return Err(Status::InvalidArgument("already saw end-of-input parsing character"));
    switch (c) {
      case 'x':
        continue;
      case '<':
        little = true;
        continue;
      case '>':
        little = false;
        continue;
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'i':
      case 'I':
      case 'q':
      case 'Q':
      case 'c':
      case '.':
        ops.push_back({c, little});
        continue;
      case 's':
      case '$':
        ops.push_back({c, little});
        saw_end = true;
        continue;
      default:
        return Err(Status::InvalidArgument(fmt::format("invalid unpack parsing character {}", c)));
    }
  }
  return ops;
}

void AppendUnpacked(std::string& out, const std::vector<UnpackOp>& ops, std::string_view src) {
  for (const UnpackOp& op : ops) {
    int need = 0;
    bool is_signed = false;
    switch (op.code) {
      case 'c':
      case '.':
        if (src.empty()) {
          out += "%!c(no bytes available)";
        } else {
          out += src[0];
          src.remove_prefix(1);
        }
        continue;
      case 's':
        out += src;
        src = {};
        continue;
      case '$':
        if (!src.empty()) out += "%!$(not end-of-input)";
        src = {};
        continue;
      case 'b':
        need = 1;
        is_signed = true;
        break;
      case 'B':
        need = 1;
        break;
      case 'h':
        need = 2;
        is_signed = true;
        break;
      case 'H':
        need = 2;
        break;
      case 'i':
        need = 4;
        is_signed = true;
        break;
      case 'I':
        need = 4;
        break;
      case 'q':
        need = 8;
        is_signed = true;
        break;
      default:
        need = 8;
        break;  // 'Q'
    }
    if (src.size() < static_cast<size_t>(need)) {
      out += fmt::format("%!{}(have {} bytes, need {})", op.code, src.size(), need);
      src = {};
      continue;
    }
    uint64_t u = 0;
    for (int i = 0; i < need; ++i) {
      uint64_t byte = static_cast<uint8_t>(src[i]);
      u |= op.little ? byte << (8 * i) : byte << (8 * (need - 1 - i));
    }
    src.remove_prefix(need);
    if (is_signed) {
      int shift = 64 - 8 * need;
      out += std::to_string(static_cast<int64_t>(u << shift) >> shift);
    } else {
      out += std::to_string(u);
    }
  }
}

// Reads "name}" for a number modifier; returns the format and consumed length.
Result<std::pair<NumFmt, size_t>> ParseNumLayout(std::string_view layout) {
  size_t end = layout.find('}');
  if (end == std::string_view::npos) {
    return Err(Status::InvalidArgument("missing brace end } to close number format specification"));
  }
  std::optional<NumFmt> f = NumFmtByName(layout.substr(0, end));
  if (!f) {
    return Err(
        Status::InvalidArgument("invalid output number layout " + Quote(layout.substr(0, end))));
  }
  return std::pair{*f, end + 1};
}

}  // namespace

struct RecordFormatter::Step {
  enum class Kind { kLiteral, kText, kNumber, kGoTime, kStrftime, kHeaders, kCompressionName };
  Kind kind = Kind::kLiteral;
  char verb = 0;     // t k v for text; number verbs; 'c' 't' 'x' 'l' for attributes
  std::string text;  // literal, or time layout
  NumFmt num = NumFmt::kAscii;
  TextEnc enc = TextEnc::kPlain;
  std::vector<UnpackOp> unpack;
  std::unique_ptr<RecordFormatter> inner;
};

RecordFormatter::RecordFormatter() = default;
RecordFormatter::RecordFormatter(RecordFormatter&&) noexcept = default;
RecordFormatter& RecordFormatter::operator=(RecordFormatter&&) noexcept = default;
RecordFormatter::~RecordFormatter() = default;

bool RecordFormatter::empty() const { return steps_.empty(); }

Result<std::pair<char, size_t>> ParseSlashEscape(std::string_view rest) {
  if (rest.empty()) return Err(Status::InvalidArgument("invalid slash escape at end of layout"));
  switch (rest[0]) {
    case 't':
      return std::pair{'\t', size_t{1}};
    case 'n':
      return std::pair{'\n', size_t{1}};
    case 'r':
      return std::pair{'\r', size_t{1}};
    case '\\':
      return std::pair{'\\', size_t{1}};
    case 'x': {
      if (rest.size() < 3) {
        return Err(Status::InvalidArgument("invalid non-terminated hex escape sequence"));
      }
      unsigned value = 0;
      for (char c : rest.substr(1, 2)) {
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
          return Err(Status::InvalidArgument("unable to parse hex escape sequence " +
                                             Quote(rest.substr(1, 2))));
        }
        value = value * 16 + static_cast<unsigned>(d);
      }
      return std::pair{static_cast<char>(value), size_t{3}};
    }
    default:
      return Err(
          Status::InvalidArgument("unknown slash escape sequence " + Quote(rest.substr(0, 1))));
  }
}

Result<std::pair<std::string_view, std::string_view>> UnwrapDelimited(std::string_view text) {
  if (text.empty()) return Err(Status::InvalidArgument("empty layout"));
  char open = text[0];
  size_t openers = 1;
  while (openers < text.size() && text[openers] == open) ++openers;
  char close = open == '{' ? '}' : open == '[' ? ']' : open == '(' ? ')' : open;
  text.remove_prefix(openers);
  std::string end(openers, close);
  size_t at = text.find(end);
  if (at == std::string_view::npos) {
    return Err(Status::InvalidArgument("missing end delim " + Quote(end)));
  }
  return std::pair{text.substr(0, at), text.substr(at + end.size())};
}

Result<RecordFormatter> RecordFormatter::Parse(std::string_view layout) {
  RecordFormatter f;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    Step s;
    s.text = std::move(literal);
    literal.clear();
    f.steps_.push_back(std::move(s));
  };
  auto fail = [](std::string msg) { return Err(Status::InvalidArgument(std::move(msg))); };

  while (!layout.empty()) {
    char c = layout[0];
    layout.remove_prefix(1);
    if (c == '\\') {
      auto esc = ParseSlashEscape(layout);
      if (!esc) return Err(esc.error());
      literal += esc->first;
      layout.remove_prefix(esc->second);
      continue;
    }
    if (c != '%') {
      literal += c;
      continue;
    }
    if (layout.empty()) return fail("invalid escape sequence at end of layout string");
    if (layout[0] == '%' || layout[0] == '{' || layout[0] == '}') {
      literal += layout[0];
      layout.remove_prefix(1);
      continue;
    }
    bool brace = layout.size() > 2 && layout[1] == '{';
    char verb = layout[0];
    layout.remove_prefix(brace ? 2 : 1);
    flush();
    Step step;
    step.verb = verb;
    switch (verb) {
      case 'T':
      case 'K':
      case 'V':
      case 'H':
      case 'p':
      case 'o':
      case 'e':
      case 'i':
      case 'x':
      case 'y':
      case '[':
      case '|':
      case ']': {
        step.kind = Step::Kind::kNumber;
        if (brace) {
          auto num = ParseNumLayout(layout);
          if (!num) return Err(num.error());
          step.num = num->first;
          layout.remove_prefix(num->second);
        }
        break;
      }
      case 't':
      case 'k':
      case 'v': {
        step.kind = Step::Kind::kText;
        if (!brace) break;
        if (layout.starts_with("base64raw}")) {
          step.enc = TextEnc::kBase64Raw;
          layout.remove_prefix(10);
        } else if (layout.starts_with("base64}")) {
          step.enc = TextEnc::kBase64;
          layout.remove_prefix(7);
        } else if (layout.starts_with("hex}")) {
          step.enc = TextEnc::kHex;
          layout.remove_prefix(4);
        } else if (layout.starts_with("unpack")) {
          auto inner = UnwrapDelimited(layout.substr(6));
          if (!inner) return fail("unpack parse err: " + inner.error().message());
          if (inner->second.empty() || inner->second[0] != '}') {
            return fail("unpack missing closing } in " + Quote(layout));
          }
          auto ops = ParseUnpack(inner->first);
          if (!ops) return fail("unpack formatting parse err: " + ops.error().message());
          step.enc = TextEnc::kUnpack;
          step.unpack = std::move(*ops);
          layout = inner->second.substr(1);
        } else {
          return fail(fmt::format("unknown %{}{{ escape", verb));
        }
        break;
      }
      case 'h': {
        if (!brace)
          return fail("missing open brace sequence on %h signifying how headers are written");
        int depth = 1;
        size_t at = 0;
        for (; depth != 0 && at < layout.size(); ++at) {
          bool escaped = at > 0 && layout[at - 1] == '%';
          if (layout[at] == '{' && !escaped) ++depth;
          if (layout[at] == '}' && !escaped) --depth;
        }
        if (depth > 0)
          return fail("invalid header specification: missing closing brace in " + Quote(layout));
        auto inner = Parse(layout.substr(0, at - 1));
        if (!inner) return fail("invalid header specification: " + inner.error().message());
        step.kind = Step::Kind::kHeaders;
        step.inner = std::make_unique<RecordFormatter>(std::move(*inner));
        layout.remove_prefix(at);
        break;
      }
      case 'd': {
        step.kind = Step::Kind::kNumber;
        if (!brace) break;
        bool strf = layout.starts_with("strftime");
        if (strf || layout.starts_with("go")) {
          auto inner = UnwrapDelimited(layout.substr(strf ? 8 : 2));
          if (!inner)
            return fail(
                fmt::format("{} parse err: {}", strf ? "strftime" : "go", inner.error().message()));
          if (inner->second.empty() || inner->second[0] != '}') {
            return fail(fmt::format("%d{{{} missing closing }} in {}", strf ? "strftime" : "go",
                                    Quote(layout)));
          }
          step.kind = strf ? Step::Kind::kStrftime : Step::Kind::kGoTime;
          step.text = std::string(inner->first);
          layout = inner->second.substr(1);
        } else {
          auto num = ParseNumLayout(layout);
          if (!num) return fail("unknown %d{ time specification in " + Quote(layout));
          step.num = num->first;
          layout.remove_prefix(num->second);
        }
        break;
      }
      case 'a': {
        if (!brace)
          return fail("missing open brace sequence on %a signifying which attribute to write");
        size_t end = layout.find('}');
        if (end == std::string_view::npos)
          return fail("missing closing } in %a attribute specification");
        std::string_view spec = layout.substr(0, end);
        layout.remove_prefix(end + 1);
        std::string_view name = spec.substr(0, spec.find(';'));
        std::optional<std::string_view> num_name;
        if (spec.find(';') != std::string_view::npos) num_name = spec.substr(spec.find(';') + 1);
        if (name == "compression") {
          step.verb = 'c';
        } else if (name == "timestamp-type") {
          step.verb = 'l';
        } else if (name == "transactional-bit") {
          step.verb = 'n';
        } else if (name == "control-bit") {
          step.verb = 'b';
        } else {
          return fail("unknown %a{ attribute " + Quote(name));
        }
        step.kind =
            step.verb == 'c' && !num_name ? Step::Kind::kCompressionName : Step::Kind::kNumber;
        if (num_name) {
          std::optional<NumFmt> num = NumFmtByName(*num_name);
          if (!num) return fail("invalid attribute number layout " + Quote(*num_name));
          step.num = *num;
        }
        break;
      }
      default:
        return fail(fmt::format("unknown escape sequence %{}", verb));
    }
    f.uses_headers_ |= verb == 'h' || verb == 'H';
    f.uses_partition_ |= verb == '[' || verb == '|' || verb == ']';
    f.steps_.push_back(std::move(step));
  }
  flush();
  return f;
}

void RecordFormatter::Append(std::string& out, const RecordView& r, const PartitionView* p) {
  ++calls_;
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::Kind::kLiteral:
        out += s.text;
        break;
      case Step::Kind::kText: {
        std::string_view text = s.verb == 't' ? r.topic : s.verb == 'k' ? r.key : r.value;
        switch (s.enc) {
          case TextEnc::kPlain:
            out += text;
            break;
          case TextEnc::kHex:
            for (unsigned char ch : text) AppendHexDigits(out, ch, 2);
            break;
          case TextEnc::kBase64:
            AppendBase64(out, text, true);
            break;
          case TextEnc::kBase64Raw:
            AppendBase64(out, text, false);
            break;
          case TextEnc::kUnpack:
            AppendUnpacked(out, s.unpack, text);
            break;
        }
        break;
      }
      case Step::Kind::kNumber: {
        int64_t n = 0;
        switch (s.verb) {
          case 'T':
            n = static_cast<int64_t>(r.topic.size());
            break;
          case 'K':
            n = static_cast<int64_t>(r.key.size());
            break;
          case 'V':
            n = static_cast<int64_t>(r.value.size());
            break;
          case 'H':
            n = static_cast<int64_t>(r.headers.size());
            break;
          case 'p':
            n = r.partition;
            break;
          case 'o':
            n = r.offset;
            break;
          case 'e':
            n = r.leader_epoch;
            break;
          case 'i':
            n = calls_;
            break;
          case 'x':
            n = r.producer_id;
            break;
          case 'y':
            n = r.producer_epoch;
            break;
          case 'd':
            n = r.timestamp_ms;
            break;
          case '[':
            n = p ? p->log_start_offset : -1;
            break;
          case '|':
            n = p ? p->last_stable_offset : -1;
            break;
          case ']':
            n = p ? p->high_watermark : -1;
            break;
          case 'c':
            n = r.compression;
            break;
          case 'l':
            n = r.timestamp_type;
            break;
          case 'n':
            n = r.transactional;
            break;
          case 'b':
            n = r.control;
            break;
          default:
            break;
        }
        AppendNumber(out, n, s.num);
        break;
      }
      case Step::Kind::kGoTime:
        AppendGoTime(out, s.text, r.timestamp_ms);
        break;
      case Step::Kind::kStrftime:
        AppendStrftime(out, s.text, r.timestamp_ms);
        break;
      case Step::Kind::kHeaders:
        for (const HeaderView& h : r.headers) {
          RecordView header;
          header.key = h.key;
          header.key_null = false;
          header.value = h.value;
          header.value_null = false;
          s.inner->Append(out, header, nullptr);
        }
        break;
      case Step::Kind::kCompressionName: {
        static constexpr const char* kNames[] = {"none", "gzip", "snappy", "lz4", "zstd"};
        out += r.compression >= 0 && r.compression <= 4 ? kNames[r.compression] : "unknown";
        break;
      }
    }
  }
}

}  // namespace format
}  // namespace kpk::cli
