#include "cli/client/result_view.h"

namespace kpk::cli {
inline namespace client {

std::string ItemStatus(const client::ItemResult& item) {
  if (item.ok()) return "OK";
  return client::ErrorName(item.err) + ": " + item.message;
}

std::string RenderItemResults(std::string_view item_header,
                              const std::vector<client::ItemResult>& items) {
  Table table({std::string(item_header), "status"});
  for (const client::ItemResult& item : items) table.AddRow({item.name, ItemStatus(item)});
  return table.Render();
}

Json ItemResultsJson(std::string_view item_key, const std::vector<client::ItemResult>& items) {
  Json out = Json::array();
  for (const client::ItemResult& item : items) {
    out.push_back({{std::string(item_key), item.name}, {"status", ItemStatus(item)}});
  }
  return out;
}

bool AllOk(const std::vector<client::ItemResult>& items) {
  for (const client::ItemResult& item : items) {
    if (!item.ok()) return false;
  }
  return true;
}

}  // namespace client
}  // namespace kpk::cli
