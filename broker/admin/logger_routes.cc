// Log levels at run time, as Redpanda's Admin API changes them: a logger's level is set for a
// while (`expires` seconds, 600 when not given, 0 for ever) and then returns to the
// configured level (common/log.h keeps the overrides).
#include <charconv>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "broker/admin/admin_routes.h"
#include "broker/admin/http_server.h"
#include "common/log.h"

namespace kpk::broker::admin {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kDefaultExpiry{600};

bool IsTrue(const std::optional<std::string>& value) {
  return value && (*value == "true" || *value == "1");
}

json LoggersJson(bool include_levels) {
  json out = json::array();
  for (int i = 0; i < kLogAreaCount; ++i) {
    auto area = static_cast<LogArea>(i);
    json logger = {{"name", LogAreaName(area)}};
    if (include_levels) logger["level"] = LogLevelName(GetLogAreaState(area).level);
    out.push_back(logger);
  }
  return out;
}

// Redpanda answers an unknown logger with 400 and this message.
HttpResponse UnknownLogger(const std::string& name) {
  return HttpResponse::Error(400, fmt::format("Cannot set log level: unknown logger {{{}}}", name));
}

std::optional<std::chrono::seconds> ParseExpiry(const std::optional<std::string>& text) {
  if (!text || text->empty()) return kDefaultExpiry;
  uint32_t seconds = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

HttpResponse SetLevel(const HttpRequest& request) {
  const std::string& name = request.Param("name");
  std::optional<LogArea> area = LogAreaByName(name);
  if (!area) return UnknownLogger(name);
  std::string level_text = request.Query("level").value_or("");
  std::optional<LogLevel> level = LogLevelByName(level_text);
  if (!level) {
    return HttpResponse::Error(
        400,
        fmt::format("Cannot set log level for {{{}}}: unknown level {{{}}}", name, level_text));
  }
  std::optional<std::chrono::seconds> expires = ParseExpiry(request.Query("expires"));
  if (!expires) {
    return HttpResponse::Error(
        400, fmt::format("Cannot set log level for {{{}}}: invalid expires value {{{}}}", name,
                         request.Query("expires").value_or("")));
  }
  LogLevel before = SetLogAreaLevel(*area, *level, *expires);
  KPK_LOG_INFO("logger {} set to {} (was {}) for {}", name, LogLevelName(*level),
               LogLevelName(before),
               expires->count() == 0 ? std::string("ever") : fmt::format("{} s", expires->count()));
  return HttpResponse::Json(json{
      {"name", name},
      {"previous_level", LogLevelName(before)},
      {"new_level", LogLevelName(*level)},
      {"expiration",
       expires->count()}}.dump());
}

HttpResponse GetLevel(const HttpRequest& request) {
  const std::string& name = request.Param("name");
  std::optional<LogArea> area = LogAreaByName(name);
  if (!area) return UnknownLogger(name);
  LogAreaState state = GetLogAreaState(*area);
  return HttpResponse::Json(json{{"name", name},
                                 {"level", LogLevelName(state.level)},
                                 {"expiration", state.expires_in.count()}}
                                .dump());
}

}  // namespace

void AddLoggerRoutes(HttpServer& http) {
  http.Get("/v1/loggers", [](const HttpRequest& request) {
    return HttpResponse::Json(LoggersJson(IsTrue(request.Query("include-levels"))).dump());
  });
  http.Get("/v1/config/log_level/{name}", GetLevel);
  http.Put("/v1/config/log_level/{name}", SetLevel);
}

}  // namespace kpk::broker::admin
