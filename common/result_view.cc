#include "common/result_view.h"

namespace kpk {

std::string ItemStatus(const kafka::ItemResult& item) {
  if (item.ok()) return "OK";
  return kafka::ErrorName(item.err) + ": " + item.message;
}

std::string RenderItemResults(std::string_view item_header,
                              const std::vector<kafka::ItemResult>& items) {
  Table table({std::string(item_header), "status"});
  for (const kafka::ItemResult& item : items) table.AddRow({item.name, ItemStatus(item)});
  return table.Render();
}

Json ItemResultsJson(std::string_view item_key, const std::vector<kafka::ItemResult>& items) {
  Json out = Json::array();
  for (const kafka::ItemResult& item : items) {
    out.push_back({{std::string(item_key), item.name}, {"status", ItemStatus(item)}});
  }
  return out;
}

bool AllOk(const std::vector<kafka::ItemResult>& items) {
  for (const kafka::ItemResult& item : items) {
    if (!item.ok()) return false;
  }
  return true;
}

}  // namespace kpk
