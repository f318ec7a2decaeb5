// Tables in rpk's tabwriter look, sections, and structured output.
#include <doctest/doctest.h>

#include "cli/format/output.h"

namespace kpk::cli {
namespace {

TEST_CASE("columns are padded to the widest cell plus two, at least six wide") {
  Table table({"id", "host", "port"});
  table.AddRow({"0*", "54.70.51.189", "9092"});
  table.AddRow({"12", "h", "1"});
  CHECK(table.Render() ==
        "ID    HOST          PORT\n"
        "0*    54.70.51.189  9092\n"
        "12    h             1\n");
}

TEST_CASE("the last column is not padded and empty cells still take their width") {
  CHECK(RenderColumns({{"", "PARTITION", "LEADER"}, {"", "0", "1"}}) ==
        "      PARTITION  LEADER\n"
        "      0          1\n");
  CHECK(RenderColumns({{"KEY", ""}, {"K", "v"}}) == "KEY   \nK     v\n");
}

TEST_CASE("width counts characters, not bytes") {
  CHECK(RenderColumns({{"é", "x"}, {"ab", "y"}}) == "é     x\nab    y\n");
}

TEST_CASE("sections get headers only when more than one is shown") {
  Sections one(1);
  CHECK(one.Add("summary", "body\n") == "body\n");
  Sections two(2);
  std::string out = two.Add("summary", "a\n");
  out += two.Add("configs", "b\n");
  CHECK(out == "SUMMARY\n=======\na\n\nCONFIGS\n=======\nb\n");
}

TEST_CASE("structured output keeps field order") {
  Json doc = {{"name", "t"}, {"partitions", 3}, {"internal", false}, {"list", {1, 2}}};
  CHECK(RenderStructured(doc, OutputFormat::kJson) ==
        "{\"name\":\"t\",\"partitions\":3,\"internal\":false,\"list\":[1,2]}\n");
  CHECK(RenderStructured(doc, OutputFormat::kYaml) ==
        "name: t\npartitions: 3\ninternal: false\nlist:\n  - 1\n  - 2\n");
}

TEST_CASE("yaml keeps strings that look like other scalars strings") {
  // A config value "86400000" or "false" is a string in rpk's YAML too (yaml.v3 quotes it).
  Json doc = {{"value", "86400000"}, {"bool", "false"},      {"empty", ""}, {"ratio", "0.5"},
              {"word", "delete"},    {"version", "3.0-IV1"}, {"n", 5},      {"none", nullptr}};
  CHECK(RenderStructured(doc, OutputFormat::kYaml) ==
        "value: \"86400000\"\nbool: \"false\"\nempty: \"\"\nratio: \"0.5\"\nword: delete\n"
        "version: 3.0-IV1\nn: 5\nnone: ~\n");
}

TEST_CASE("format names") {
  CHECK(*ParseOutputFormat("json") == OutputFormat::kJson);
  CHECK(*ParseOutputFormat("yaml") == OutputFormat::kYaml);
  CHECK(*ParseOutputFormat("text") == OutputFormat::kText);
  CHECK(*ParseOutputFormat("wide") == OutputFormat::kText);
  CHECK_FALSE(ParseOutputFormat("xml").has_value());
}

}  // namespace
}  // namespace kpk::cli
