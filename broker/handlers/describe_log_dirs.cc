#include "broker/handlers/describe_log_dirs.h"

#include <filesystem>

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

using Response = DescribeLogDirsHandler::Response;

Response::DescribeLogDirsTopic DescribeTopic(BrokerState& state, const std::string& name,
                                             const std::vector<int32_t>& partitions) {
  Response::DescribeLogDirsTopic t;
  t.name = name;
  for (int32_t p : partitions) {
    auto log = state.topics().Partition(name, p);
    if (!log) continue;
    auto& out = t.partitions.emplace_back();
    out.partition_index = p;
    out.partition_size = static_cast<int64_t>(log->size_bytes());
  }
  return t;
}

std::vector<int32_t> AllPartitions(int32_t count) {
  std::vector<int32_t> all;
  for (int32_t p = 0; p < count; ++p) all.push_back(p);
  return all;
}

}  // namespace

DescribeLogDirsHandler::Response DescribeLogDirsHandler::Handle(RequestContext& ctx,
                                                                const Request& request) {
  Response response;
  BrokerState& state = ctx.state;
  auto& dir = response.results.emplace_back();
  std::error_code ec;
  dir.log_dir = std::filesystem::absolute(state.config().data_directory, ec).string();
  if (auto space = std::filesystem::space(state.config().data_directory, ec); !ec) {
    dir.total_bytes = static_cast<int64_t>(space.capacity);
    dir.usable_bytes = static_cast<int64_t>(space.available);
  }
  if (!request.topics) {
    for (const auto& topic : state.topics().List()) {
      dir.topics.push_back(DescribeTopic(state, topic.name, AllPartitions(topic.partitions)));
    }
    return response;
  }
  for (const auto& wanted : *request.topics) {
    auto t = DescribeTopic(state, wanted.topic, wanted.partitions);
    if (!t.partitions.empty()) dir.topics.push_back(std::move(t));
  }
  return response;
}

}  // namespace kpk::broker::handlers
