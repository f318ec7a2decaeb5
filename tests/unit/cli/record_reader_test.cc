// The record input format (produce -f): delimiters, sizes, decoders, headers and EOF rules.
#include <doctest/doctest.h>

#include <vector>

#include "cli/format/record_reader.h"

namespace kpk::cli {
namespace {

std::vector<InputRecord> ReadAll(std::string_view layout, std::string input) {
  auto reader = RecordReader::Parse(layout);
  REQUIRE_MESSAGE(reader.has_value(), (reader ? "" : reader.error().message()));
  InputReader in = InputReader::FromString(std::move(input));
  std::vector<InputRecord> out;
  for (int i = 0; i < 1000; ++i) {
    InputRecord rec;
    auto more = reader->Next(in, &rec);
    REQUIRE_MESSAGE(more.has_value(), (more ? "" : more.error().message()));
    if (!*more) break;
    out.push_back(rec);
  }
  return out;
}

Status ReadError(std::string_view layout, std::string input) {
  auto reader = RecordReader::Parse(layout);
  REQUIRE(reader.has_value());
  InputReader in = InputReader::FromString(std::move(input));
  for (int i = 0; i < 1000; ++i) {
    InputRecord rec;
    auto more = reader->Next(in, &rec);
    if (!more) return more.error();
    if (!*more) break;
  }
  return Status::OK();
}

TEST_CASE("the default layout reads one record per line, last newline optional") {
  auto recs = ReadAll("%v\\n", "a\nbb\n\nccc");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].value == "a");
  CHECK(recs[1].value == "bb");
  CHECK(recs[2].value == "");
  CHECK(recs[3].value == "ccc");
  CHECK_FALSE(recs[0].key.has_value());
  CHECK(ReadAll("%v\\n", "").empty());
  CHECK(ReadAll("%v\\n", "x\n").size() == 1);
}

TEST_CASE("keys, topics and partitions split on the literals between them") {
  auto recs = ReadAll("%t %p %k=%v\\n", "t1 2 k1=v1\nt2 0 k2=v=2\n");
  REQUIRE(recs.size() == 2);
  CHECK(*recs[0].topic == "t1");
  CHECK(*recs[0].partition == 2);
  CHECK(*recs[0].key == "k1");
  CHECK(recs[1].value == "v=2");
}

TEST_CASE("multi-byte delimiters, even across buffer reads") {
  auto recs = ReadAll("%k<SEP>%v<END>", "a<SEP>b<END>c<SEP>d<END>");
  REQUIRE(recs.size() == 2);
  CHECK(*recs[1].key == "c");
  CHECK(recs[1].value == "d");
}

TEST_CASE("sizes: binary, ascii, fixed, and sized fields") {
  auto recs = ReadAll("%T{3}%K{big16}%V %t%k%v", std::string("\x00\x02"
                                                             "5 foohihello",
                                                             14));
  REQUIRE(recs.size() == 1);
  CHECK(*recs[0].topic == "foo");
  CHECK(*recs[0].key == "hi");
  CHECK(recs[0].value == "hello");
  recs = ReadAll("%V{hex8}%v", "03abc02de");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].value == "de");
  recs = ReadAll("%K{little32}%k%v{hex}\\n", std::string("\x02\0\0\0ok6869\n", 11));
  REQUIRE(recs.size() == 1);
  CHECK(*recs[0].key == "ok");
  CHECK(recs[0].value == "hi");
}

TEST_CASE("decoders and regular expressions") {
  auto recs = ReadAll("%k{base64} %v{hex}\\n", "aGk= 6869\n");
  REQUIRE(recs.size() == 1);
  CHECK(*recs[0].key == "hi");
  CHECK(recs[0].value == "hi");
  recs = ReadAll("%v{re#...?#}\\n", "ab\nabc\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].value == "abc");
  CHECK_FALSE(ReadError("%v{hex}\\n", "zz\n").ok());
}

TEST_CASE("headers are read with the inner layout") {
  auto recs = ReadAll("%H %h{%k=%v;}%v\\n", "2 a=1;b=2;body\n0 plain\n");
  REQUIRE(recs.size() == 2);
  REQUIRE(recs[0].headers.size() == 2);
  CHECK(recs[0].headers[1].first == "b");
  CHECK(recs[0].headers[1].second == "2");
  CHECK(recs[0].value == "body");
  CHECK(recs[1].headers.empty());
}

TEST_CASE("mismatching input and input ending inside a record are errors") {
  CHECK_FALSE(ReadError("%k:%v\\n", "k:v\nonlykey").ok());  // ends inside a record
  CHECK_FALSE(ReadError("%p %v\\n", "x value\n").ok());     // %p needs digits
  CHECK_FALSE(ReadError("key=%v\\n", "kex=1\n").ok());      // exact text mismatch
  CHECK(ReadError("%k:%v\\n", "k:v\nk2:v2").ok());
}

TEST_CASE("malformed layouts are rejected") {
  for (const char* bad : {"", "%h{%k}", "%H%H%h{%k}", "%v%V", "%q", "%K{0}%k", "%K{zz}%k",
                          "%v{nope}", "%K{3}%k{re[a]}"}) {
    CAPTURE(bad);
    CHECK_FALSE(RecordReader::Parse(bad).has_value());
  }
}

}  // namespace
}  // namespace kpk::cli
