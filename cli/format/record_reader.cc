#include "cli/format/record_reader.h"

#include <optional>
#include <regex>

#include <fmt/core.h>

#include "cli/format/record_formatter.h"
#include "cli/format/text.h"

namespace kpk::cli {
inline namespace format {
namespace {

enum SizeSlot { kTopicSize = 0, kKeySize, kValueSize, kHeaderCount };

enum class ReadKind {
  kNoRead,   // a fixed size given in braces: nothing is read
  kExact,    // a literal that must match
  kDigits,   // ascii digits up to the first non-digit
  kBool,     // "true" or "false"
  kFixed,    // a fixed number of bytes (binary or hex numbers)
  kSized,    // as many bytes as an earlier size verb said
  kRegex,    // the longest text the expression matches here
  kDelim,    // up to the next literal (or the end of input)
  kHeaders,  // the header count times the inner layout
};

enum class NumDecode { kAscii, kHex, kBig, kLittle, kBool, kFixedValue };
enum class TextDecode { kPlain, kHex, kBase64 };

// Where a parsed field goes.
enum class Target { kNone, kTopic, kKey, kValue, kSize, kPartition, kTimestamp, kIgnored };

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status DecodeHex(std::string& s) {
  if (s.size() % 2 != 0) return Status::InvalidArgument("encoding/hex: odd length hex string");
  std::string out(s.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(s[2 * i]), lo = HexValue(s[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return Status::InvalidArgument("encoding/hex: invalid byte in " + Quote(s));
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  s = std::move(out);
  return Status::OK();
}

Status DecodeBase64(std::string& s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
            : c == '='             ? -2
                                   : -1;
    if (v == -1 || (pad > 0 && v != -2)) {
      return Status::InvalidArgument("illegal base64 data in " + Quote(s));
    }
    if (v == -2) {
      ++pad;
      continue;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (pad > 2 || (s.size() % 4 != 0))
    return Status::InvalidArgument("illegal base64 data in " + Quote(s));
  s = std::move(out);
  return Status::OK();
}

}  // namespace

struct RecordReader::Step {
  ReadKind read = ReadKind::kDelim;
  std::string bytes;   // exact literal, or the delimiter ending a kDelim field
  size_t fixed = 0;    // kFixed byte count; kNoRead value
  int size_slot = -1;  // kSized: which size to use; number targets: which size to set
  NumDecode num = NumDecode::kAscii;
  TextDecode text = TextDecode::kPlain;
  Target target = Target::kNone;
  std::shared_ptr<std::regex> re;
  std::unique_ptr<RecordReader> inner;
};

RecordReader::RecordReader() = default;
RecordReader::RecordReader(RecordReader&&) noexcept = default;
RecordReader& RecordReader::operator=(RecordReader&&) noexcept = default;
RecordReader::~RecordReader() = default;

namespace {

// Parses a number layout ("ascii", "big16", "3", ...) into how the step reads it.
Status ParseNumberRead(std::string_view name, RecordReader::Step& step) {
  struct Known {
    std::string_view name;
    ReadKind read;
    size_t bytes;
    NumDecode num;
  };
  static constexpr Known kKnown[] = {
      {"ascii", ReadKind::kDigits, 0, NumDecode::kAscii},
      {"big64", ReadKind::kFixed, 8, NumDecode::kBig},
      {"big32", ReadKind::kFixed, 4, NumDecode::kBig},
      {"big16", ReadKind::kFixed, 2, NumDecode::kBig},
      {"little64", ReadKind::kFixed, 8, NumDecode::kLittle},
      {"little32", ReadKind::kFixed, 4, NumDecode::kLittle},
      {"little16", ReadKind::kFixed, 2, NumDecode::kLittle},
      {"byte", ReadKind::kFixed, 1, NumDecode::kBig},
      {"big8", ReadKind::kFixed, 1, NumDecode::kBig},
      {"little8", ReadKind::kFixed, 1, NumDecode::kBig},
      {"hex64", ReadKind::kFixed, 16, NumDecode::kHex},
      {"hex32", ReadKind::kFixed, 8, NumDecode::kHex},
      {"hex16", ReadKind::kFixed, 4, NumDecode::kHex},
      {"hex8", ReadKind::kFixed, 2, NumDecode::kHex},
      {"hex4", ReadKind::kFixed, 1, NumDecode::kHex},
      {"bool", ReadKind::kBool, 0, NumDecode::kBool},
  };
  for (const Known& k : kKnown) {
    if (k.name == name) {
      step.read = k.read;
      step.fixed = k.bytes;
      step.num = k.num;
      return Status::OK();
    }
  }
  std::optional<int64_t> n = ParseInt(name);
  if (!n) return Status::InvalidArgument("unrecognized number reading layout " + Quote(name));
  if (*n <= 0) {
    return Status::InvalidArgument("invalid zero or negative number " + Quote(name) +
                                   " when parsing read size");
  }
  step.read = ReadKind::kNoRead;
  step.num = NumDecode::kFixedValue;
  step.fixed = static_cast<size_t>(*n);
  return Status::OK();
}

Result<uint64_t> DecodeNumber(const RecordReader::Step& step, const std::string& raw) {
  auto bad = [&] {
    return Err(Status::InvalidArgument(fmt::format("invalid number {}", Quote(raw))));
  };
  uint64_t v = 0;
  switch (step.num) {
    case NumDecode::kFixedValue:
      return step.fixed;
    case NumDecode::kAscii:
      if (raw.empty()) return bad();
      for (char c : raw) v = v * 10 + static_cast<uint64_t>(c - '0');
      return v;
    case NumDecode::kHex:
      for (char c : raw) {
        int h = HexValue(c);
        if (h < 0) return bad();
        v = v * 16 + static_cast<uint64_t>(h);
      }
      return v;
    case NumDecode::kBig:
      for (unsigned char c : raw) v = (v << 8) | c;
      return v;
    case NumDecode::kLittle:
      for (size_t i = raw.size(); i > 0; --i) v = (v << 8) | static_cast<unsigned char>(raw[i - 1]);
      return v;
    case NumDecode::kBool:
      if (raw == "true") return 1;
      if (raw == "false") return 0;
      return bad();
  }
  return bad();
}

}  // namespace

Result<RecordReader> RecordReader::Parse(std::string_view layout) {
  if (layout.empty()) return Err(Status::InvalidArgument("invalid empty format"));
  RecordReader r;
  std::string literal;
  bool seen[4] = {};    // size verbs seen, indexed by SizeSlot
  bool fields[3] = {};  // topic, key, value fields seen
  bool headers_done = false;
  auto fail = [](std::string msg) { return Err(Status::InvalidArgument(std::move(msg))); };
  // A literal right after a field ends that field; anywhere else it must match exactly.
  auto add_literal = [&] {
    if (!r.steps_.empty() && r.steps_.back().read == ReadKind::kDelim &&
        r.steps_.back().bytes.empty()) {
      r.steps_.back().bytes = literal;
    } else if (!literal.empty()) {
      Step s;
      s.read = ReadKind::kExact;
      s.bytes = literal;
      r.steps_.push_back(std::move(s));
    }
    literal.clear();
  };

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
    if (c != '%' || layout.empty()) {
      literal += c;
      continue;
    }
    if (layout[0] == '%' || layout[0] == '{' || layout[0] == '}') {
      literal += layout[0];
      layout.remove_prefix(1);
      continue;
    }
    bool brace = layout.size() > 2 && layout[1] == '{';
    char verb = layout[0];
    layout.remove_prefix(brace ? 2 : 1);
    add_literal();
    Step step;
    std::string_view number_layout = "ascii";
    if (brace && std::string_view("TKVHpoedxy").find(verb) != std::string_view::npos) {
      size_t end = layout.find('}');
      if (end == std::string_view::npos) {
        return fail(fmt::format(
            "unable to parse %{}: missing brace end }} to close number size specification", verb));
      }
      number_layout = layout.substr(0, end);
      layout.remove_prefix(end + 1);
    }
    switch (verb) {
      case 'T':
      case 'K':
      case 'V':
      case 'H': {
        int slot = verb == 'T'   ? kTopicSize
                   : verb == 'K' ? kKeySize
                   : verb == 'V' ? kValueSize
                                 : kHeaderCount;
        if (seen[slot]) return fail(fmt::format("%{} is doubly specified", verb));
        if (slot < 3 && fields[slot]) {
          return fail(
              fmt::format("size specification %{} cannot come after value specification %{}", verb,
                          static_cast<char>(verb + ('a' - 'A'))));
        }
        seen[slot] = true;
        if (Status s = ParseNumberRead(number_layout, step); !s.ok()) {
          return fail(fmt::format("unable to parse %{}: {}", verb, s.message()));
        }
        step.target = Target::kSize;
        step.size_slot = slot;
        break;
      }
      case 'p':
      case 'o':
      case 'e':
      case 'd':
      case 'x':
      case 'y':
        if (Status s = ParseNumberRead(number_layout, step); !s.ok()) {
          return fail(fmt::format("unable to parse %{}: {}", verb, s.message()));
        }
        step.target = verb == 'p'   ? Target::kPartition
                      : verb == 'd' ? Target::kTimestamp
                                    : Target::kIgnored;
        break;
      case 't':
      case 'k':
      case 'v': {
        int field = verb == 't' ? 0 : verb == 'k' ? 1 : 2;
        fields[field] = true;
        step.target = field == 0 ? Target::kTopic : field == 1 ? Target::kKey : Target::kValue;
        if (brace) {
          if (layout.starts_with("base64}")) {
            step.text = TextDecode::kBase64;
            layout.remove_prefix(7);
          } else if (layout.starts_with("hex}")) {
            step.text = TextDecode::kHex;
            layout.remove_prefix(4);
          } else if (layout.starts_with("re")) {
            auto inner = UnwrapDelimited(layout.substr(2));
            if (!inner) return fail("re parse err: " + inner.error().message());
            if (inner->second.empty() || inner->second[0] != '}') {
              return fail("re missing closing } in " + Quote(layout));
            }
            try {
              step.re = std::make_shared<std::regex>(std::string(inner->first));
            } catch (const std::regex_error& e) {
              return fail(std::string("re parse err: ") + e.what());
            }
            step.read = ReadKind::kRegex;
            layout = inner->second.substr(1);
          } else {
            return fail(fmt::format("unknown %{}{{ escape", verb));
          }
        }
        if (seen[field]) {
          if (step.re) return fail("cannot specify exact size and regular expression");
          step.read = ReadKind::kSized;
          step.size_slot = field;
        }
        break;
      }
      case 'h': {
        if (!seen[kHeaderCount]) {
          return fail("missing header count specification %H before header specification %h");
        }
        if (!brace)
          return fail("missing open brace sequence on %h signifying how headers are encoded");
        if (headers_done) return fail("%h is doubly specified");
        headers_done = true;
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
        step.read = ReadKind::kHeaders;
        step.inner = std::make_unique<RecordReader>(std::move(*inner));
        layout.remove_prefix(at);
        break;
      }
      default:
        return fail(fmt::format("unknown percent escape sequence {}", Quote(std::string(1, verb))));
    }
    r.steps_.push_back(std::move(step));
  }
  add_literal();
  // Fixed sizes read nothing; putting them first lets a clean end of input be recognised.
  std::stable_partition(r.steps_.begin(), r.steps_.end(),
                        [](const Step& s) { return s.read == ReadKind::kNoRead; });
  return r;
}

// Decodes the field just read into buf_ and stores it where the step says.
Status RecordReader::Store(const Step& s, InputRecord* rec) {
  switch (s.target) {
    case Target::kNone:
      return Status::OK();
    case Target::kIgnored:
    case Target::kSize:
    case Target::kPartition:
    case Target::kTimestamp: {
      auto n = DecodeNumber(s, buf_);
      if (!n) return n.error();
      if (s.target == Target::kSize) sizes_[s.size_slot] = *n;
      if (s.target == Target::kPartition) rec->partition = static_cast<int32_t>(*n);
      if (s.target == Target::kTimestamp) rec->timestamp_ms = static_cast<int64_t>(*n);
      return Status::OK();
    }
    case Target::kTopic:
    case Target::kKey:
    case Target::kValue: {
      if (s.text == TextDecode::kHex) {
        if (Status d = DecodeHex(buf_); !d.ok()) return d;
      } else if (s.text == TextDecode::kBase64) {
        if (Status d = DecodeBase64(buf_); !d.ok()) return d;
      }
      if (s.target == Target::kTopic) rec->topic = buf_;
      if (s.target == Target::kKey) rec->key = buf_;
      if (s.target == Target::kValue) rec->value.swap(buf_);
      return Status::OK();
    }
  }
  return Status::OK();
}

Result<bool> RecordReader::Next(InputReader& in, InputRecord* record) {
  record->Clear();
  return NextInto(in, record);
}

Result<bool> RecordReader::NextInto(InputReader& in, InputRecord* rec) {
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    buf_.clear();
    bool complete = true;  // false when the input ended during this step
    switch (s.read) {
      case ReadKind::kNoRead:
        break;
      case ReadKind::kExact: {
        auto got = in.ReadN(s.bytes.size(), buf_);
        if (!got) return Err(got.error());
        complete = *got == s.bytes.size();
        if (complete && buf_ != s.bytes) {
          return Err(Status::InvalidArgument(fmt::format(
              "exact text mismatch, read {} when expecting {}", Quote(buf_), Quote(s.bytes))));
        }
        break;
      }
      case ReadKind::kDigits:
        while (true) {
          auto peek = in.Peek(1);
          if (!peek) return Err(peek.error());
          if (peek->empty()) {
            complete = false;
            break;
          }
          if ((*peek)[0] < '0' || (*peek)[0] > '9') break;
          buf_ += (*peek)[0];
          in.Discard(1);
        }
        break;
      case ReadKind::kBool: {
        auto peek = in.Peek(5);
        if (!peek) return Err(peek.error());
        size_t n = peek->starts_with("true") ? 4 : 5;
        auto got = in.ReadN(std::min(n, peek->size()), buf_);
        if (!got) return Err(got.error());
        complete = *got == n;
        break;
      }
      case ReadKind::kFixed:
      case ReadKind::kSized: {
        size_t want =
            s.read == ReadKind::kFixed ? s.fixed : static_cast<size_t>(sizes_[s.size_slot]);
        auto got = in.ReadN(want, buf_);
        if (!got) return Err(got.error());
        complete = *got == want;
        break;
      }
      case ReadKind::kRegex: {
        auto peek = in.Peek(size_t{1} << 16);
        if (!peek) return Err(peek.error());
        std::cmatch m;
        if (std::regex_search(peek->data(), peek->data() + peek->size(), m, *s.re,
                              std::regex_constants::match_continuous)) {
          buf_.assign(peek->data(), static_cast<size_t>(m.length(0)));
          in.Discard(buf_.size());
        }
        complete = !(buf_.size() == peek->size());
        if (peek->empty()) complete = false;
        break;
      }
      case ReadKind::kDelim: {
        auto found = in.ReadUntil(s.bytes, buf_);
        if (!found) return Err(found.error());
        complete = *found && !s.bytes.empty();
        break;
      }
      case ReadKind::kHeaders: {
        for (uint64_t h = 0; h < sizes_[kHeaderCount]; ++h) {
          InputRecord header;
          auto got = s.inner->Next(in, &header);
          if (!got) return Err(got.error());
          if (!*got) return Err(Status::InvalidArgument("unexpected EOF"));
          rec->headers.emplace_back(header.key.value_or(""), std::move(header.value));
        }
        continue;
      }
    }
    if (!complete) {
      bool first_read = i == 0 || steps_[i - 1].read == ReadKind::kNoRead;
      if (buf_.empty() && first_read) return false;  // clean end of input
      if (i + 1 != steps_.size()) return Err(Status::InvalidArgument("unexpected EOF"));
    }
    if (Status st = Store(s, rec); !st.ok()) return Err(st);
    if (!complete) return true;  // the last step took the rest of the input
  }
  return true;
}

}  // namespace format
}  // namespace kpk::cli
