#include "broker/handlers/delete_topics.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

DeleteTopicsHandler::Response::DeletableTopicResult DeleteOne(Topics& topics,
                                                              std::optional<std::string> name,
                                                              const protocol::Uuid& id) {
  DeleteTopicsHandler::Response::DeletableTopicResult result;
  result.topic_id = id;
  if (!name) {
    auto topic = topics.FindById(id);
    if (!topic) {
      result.error_code = ToInt(ErrorCode::kUnknownTopicId);
      return result;
    }
    name = topic->name;
  }
  result.name = name;
  if (auto topic = topics.Find(*name)) result.topic_id = topic->id;
  ErrorCode error = topics.Delete(*name);
  result.error_code = ToInt(error);
  if (error != ErrorCode::kNone) result.error_message = protocol::ErrorCodeMessage(error);
  return result;
}

}  // namespace

DeleteTopicsHandler::Response DeleteTopicsHandler::Handle(RequestContext& ctx,
                                                          const Request& request) {
  Response response;
  Topics& topics = ctx.state.topics();
  if (ctx.version >= 6) {
    for (const auto& t : request.topics) {
      response.responses.push_back(DeleteOne(topics, t.name, t.topic_id));
    }
  } else {
    for (const auto& name : request.topic_names) {
      response.responses.push_back(DeleteOne(topics, name, {}));
    }
  }
  return response;
}

}  // namespace kpk::broker::handlers
