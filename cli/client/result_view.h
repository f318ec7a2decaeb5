// Per-item status tables ("TOPIC STATUS", "GROUP STATUS"): every item is printed, failures
// included, so a partial failure is visible before the command exits 1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/client/kafka_admin.h"
#include "cli/format/output.h"

namespace kpk::cli {
inline namespace client {

// "OK", or the error as rpk prints it: "TOPIC_ALREADY_EXISTS: Topic 't' already exists."
std::string ItemStatus(const client::ItemResult& item);

std::string RenderItemResults(std::string_view item_header,
                              const std::vector<client::ItemResult>& items);
// [{"<item_key>": name, "status": "OK"|error text}]
Json ItemResultsJson(std::string_view item_key, const std::vector<client::ItemResult>& items);

bool AllOk(const std::vector<client::ItemResult>& items);

}  // namespace client
}  // namespace kpk::cli
