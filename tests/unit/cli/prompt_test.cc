// rpk's prompt syntax for `kpk profile prompt`: colours, modifiers, groups, escapes, errors.
#include <doctest/doctest.h>

#include "cli/config/prompt.h"

namespace kpk::cli {
namespace {

std::string Render(std::string_view prompt, std::string_view name = "prod") {
  auto r = RenderPrompt(prompt, name);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  return *r;
}

std::string ErrorOf(std::string_view prompt) {
  auto r = RenderPrompt(prompt, "prod");
  REQUIRE_FALSE(r.has_value());
  return r.error().message();
}

TEST_CASE("colours and modifiers become one SGR sequence around the text") {
  CHECK(Render("hi-white, bg-red, bold, \"[%p]\"") == "\x1b[97;41;1m[prod]\x1b[0m");
  CHECK(Render("hi-red \"PROD\"") == "\x1b[91mPROD\x1b[0m");
  CHECK(Render("bg-hi-blue faint underline invert \"x\"") == "\x1b[104;2;4;7mx\x1b[0m");
  CHECK(Render("white, \"dev-%n\"", "a") == "\x1b[37mdev-a\x1b[0m");
}

TEST_CASE("text only, name only, empty") {
  CHECK(Render("\"[%p] 100%%\"") == "[prod] 100%");
  CHECK(Render("green") == "\x1b[32mprod\x1b[0m");  // no quoted text: the name
  CHECK(Render("") == "");
  CHECK(Render("   ") == "");
}

TEST_CASE("parenthesized groups are rendered one after another") {
  CHECK(Render("(\"--\") (hi-white bg-red bold \"[%p]\")") == "--\x1b[97;41;1m[prod]\x1b[0m");
  CHECK(Render("(red \"a)b\"), (\"c\")") == "\x1b[31ma)b\x1b[0mc");
  CHECK(Render("(\"say \\\"hi\\\"\")") == "say \"hi\"");
}

TEST_CASE("invalid prompts say why") {
  CHECK(ErrorOf("purple \"x\"").find("invalid color or attribute \"purple\"") != std::string::npos);
  CHECK(ErrorOf("\"a\" \"b\"").find("only one quoted string") != std::string::npos);
  CHECK(ErrorOf("\"%q\"").find("unknown escape %q") != std::string::npos);
  CHECK(ErrorOf("(red \"x\"").find("closing paren") != std::string::npos);
  CHECK(ErrorOf("(red) x").find("unexpected character x") != std::string::npos);
  CHECK(ErrorOf("red \\ \"x\"").find("backslash") != std::string::npos);
  CHECK(ErrorOf("\"open").find("unterminated") != std::string::npos);
}

}  // namespace
}  // namespace kpk::cli
