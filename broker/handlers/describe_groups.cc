#include "broker/handlers/describe_groups.h"

#include "broker/core/broker_state.h"
#include "broker/groups/coordinator.h"

namespace kpk::broker::handlers {
namespace {

// READ, DELETE and DESCRIBE (Kafka's AclOperation codes 3, 6, 8): nothing is denied here.
constexpr int32_t kAllGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

}  // namespace

DescribeGroupsHandler::Response DescribeGroupsHandler::Handle(RequestContext& ctx,
                                                              const Request& request) {
  Response response;
  for (const std::string& id : request.groups) {
    groups::GroupDescription d = ctx.groups.DescribeGroup(id);
    auto& g = response.groups.emplace_back();
    g.group_id = d.group_id;
    g.group_state = std::string(groups::GroupStateName(d.state));
    g.protocol_type = d.protocol_type;
    g.protocol_data = d.protocol_name;
    if (request.include_authorized_operations) g.authorized_operations = kAllGroupOperations;
    for (auto& m : d.members) {
      auto& member = g.members.emplace_back();
      member.member_id = std::move(m.member_id);
      member.group_instance_id = std::move(m.instance_id);
      member.client_id = std::move(m.client_id);
      member.client_host = std::move(m.client_host);
      member.member_metadata = std::move(m.metadata);
      member.member_assignment = std::move(m.assignment);
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
