// The record output format (consume -f, produce -o), checked verb by verb.
#include <doctest/doctest.h>

#include "cli/format/record_formatter.h"

namespace kpk::cli {
namespace {

RecordView Sample() {
  RecordView r;
  r.topic = "foo";
  r.key = "key";
  r.key_null = false;
  r.value = "hello";
  r.value_null = false;
  r.headers = {{"h1", "v1"}, {"h2", "v2"}};
  r.partition = 3;
  r.offset = 258;
  r.leader_epoch = 1;
  r.timestamp_ms = 1644832800250;  // 2022-02-14T10:00:00.250Z
  r.compression = 2;
  r.timestamp_type = 0;
  return r;
}

std::string Format(std::string_view layout, const RecordView& r = Sample(),
                   const PartitionView* p = nullptr) {
  auto f = RecordFormatter::Parse(layout);
  REQUIRE_MESSAGE(f.has_value(), (f ? "" : f.error().message()));
  std::string out;
  f->Append(out, r, p);
  return out;
}

TEST_CASE("verbs, escapes and literals") {
  struct Case {
    const char* layout;
    std::string want;
  };
  PartitionView part{10, 20, 30};
  const Case cases[] = {
      {"%v\\n", "hello\n"},
      {"%t %k %v", "foo key hello"},
      {"%T %K %V %H", "3 3 5 2"},
      {"%p:%o@%e", "3:258@1"},
      {"%d", "1644832800250"},
      {"100%% %{x%}", "100% {x}"},
      {"a\\tb\\r\\\\\\x41", "a\tb\r\\A"},
      {"%h{%k=%v;}", "h1=v1;h2=v2;"},
      {"%H %h{ %K%k %v{hex}}", "2  2h1 7631 2h2 7632"},
      {"%v{hex} %k{base64} %t{base64raw}", "68656c6c6f a2V5 Zm9v"},
      {"%p{hex8} %o{hex} %o{hex16} %o{hex4}", "03 102 0102 2"},
      {"%V{bool} %x", "true -1"},
      {"%a{compression} %a{compression;number} %a{timestamp-type} %a{control-bit;bool}",
       "snappy 2 0 false"},
      {"%d{go[2006-01-02T15:04:05.000Z07:00]}", "2022-02-14T10:00:00.250Z"},
      {"%d{go##Mon Jan _2 03:04:05PM 2006##}", "Mon Feb 14 10:00:00AM 2022"},
      {"%d{strftime[%F %T]}", "2022-02-14 10:00:00"},
      {"%d{strftime### [%F] ###}", " [2022-02-14] "},
      {"%d{big16}", std::string("\xbd\xfa", 2)},
      {"%V{big32}%v", std::string("\0\0\0\x05hello", 9)},
      {"%V{little16}", std::string("\x05\0", 2)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.layout);
    CHECK(Format(c.layout) == c.want);
  }
  CHECK(Format("%[ %| %]", Sample(), &part) == "10 20 30");
  CHECK(Format("%[ %]") == "-1 -1");
}

TEST_CASE("unpack reads binary values out of text") {
  RecordView r = Sample();
  std::string bytes("\x01\x00\x00\x00\xff\xfeRest", 10);
  r.value = bytes;
  CHECK(Format("%v{unpack[<iBbs]}", r) == "1255-2Rest");
  CHECK(Format("%v{unpack[<i$]}", r) == "1%!$(not end-of-input)");
  CHECK(Format("%v{unpack[>H]}", r) == "256");
  CHECK(Format("%v{unpack[>q]}", r) == "72057598332785253");
  CHECK(Format("%v{unpack[>qq]}", r) == "72057598332785253%!q(have 2 bytes, need 8)");
  r.value = std::string_view("\x00\x01", 2);
  CHECK(Format("%v{unpack[>H$]}", r) == "1");
  CHECK(Format("%v{unpack[>B$]}", r) == "0%!$(not end-of-input)");
}

TEST_CASE("%i counts formatted records") {
  auto f = RecordFormatter::Parse("%i,");
  std::string out;
  for (int i = 0; i < 3; ++i) f->Append(out, Sample(), nullptr);
  CHECK(out == "1,2,3,");
}

TEST_CASE("malformed layouts are rejected") {
  for (const char* bad : {"%", "%q", "%v{nope}", "%h", "%h{%k", "%d{go[x}", "%o{big7}", "\\z",
                          "\\x4", "%a{colour}", "%v{unpack[z]}"}) {
    CAPTURE(bad);
    CHECK_FALSE(RecordFormatter::Parse(bad).has_value());
  }
  CHECK(RecordFormatter::Parse("")->empty());
}

}  // namespace
}  // namespace kpk::cli
