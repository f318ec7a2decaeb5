// The default consume output: rpk's JSON record, as Go's encoding/json prints it.
#include <doctest/doctest.h>

#include "cli/format/record_json.h"

namespace kpk::cli {
namespace {

TEST_CASE("compact records leave out an empty key, an empty or null value and no headers") {
  RecordView r;
  r.topic = "t";
  r.value_null = true;
  r.timestamp_ms = 1700000000000;
  r.partition = 0;
  r.offset = 7;
  std::string out;
  AppendRecordJson(out, r, false, false);
  CHECK(out == "{\"topic\":\"t\",\"timestamp\":1700000000000,\"partition\":0,\"offset\":7}\n");

  r.key = "k";
  r.key_null = false;
  r.value = "";
  r.value_null = false;
  r.headers = {{"h", "v"}};
  out.clear();
  AppendRecordJson(out, r, false, false);
  CHECK(out ==
        "{\"topic\":\"t\",\"key\":\"k\",\"headers\":[{\"key\":\"h\",\"value\":\"v\"}],"
        "\"timestamp\":1700000000000,\"partition\":0,\"offset\":7}\n");
}

TEST_CASE("pretty records indent like json.MarshalIndent") {
  RecordView r;
  r.topic = "t";
  r.value = "v";
  r.value_null = false;
  r.headers = {{"a", "b"}};
  r.timestamp_ms = 1;
  r.partition = 2;
  r.offset = 3;
  std::string out;
  AppendRecordJson(out, r, true, false);
  CHECK(out ==
        "{\n"
        "  \"topic\": \"t\",\n"
        "  \"value\": \"v\",\n"
        "  \"headers\": [\n"
        "    {\n"
        "      \"key\": \"a\",\n"
        "      \"value\": \"b\"\n"
        "    }\n"
        "  ],\n"
        "  \"timestamp\": 1,\n"
        "  \"partition\": 2,\n"
        "  \"offset\": 3\n"
        "}\n");
}

TEST_CASE("--meta-only prints the value size instead of the value") {
  RecordView r;
  r.topic = "t";
  r.value = "hello";
  r.value_null = false;
  std::string out;
  AppendRecordJson(out, r, false, true);
  CHECK(out.find("\"value_size\":5") != std::string::npos);
  CHECK(out.find("hello") == std::string::npos);
}

TEST_CASE("strings escape like Go") {
  std::string out;
  AppendGoJsonString(out, std::string("a\"b\\c\n\t<>&\x01\xff\xe2\x80\xa8\xc3\xa9", 17));
  CHECK(out == "\"a\\\"b\\\\c\\n\\t\\u003c\\u003e\\u0026\\u0001\\ufffd\\u2028\xc3\xa9\"");
}

}  // namespace
}  // namespace kpk::cli
