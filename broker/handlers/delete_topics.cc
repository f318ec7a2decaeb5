#include "broker/handlers/delete_topics.h"

#include "broker/core/broker_state.h"

namespace kpk::broker::handlers {
namespace {

Awaitable<DeleteTopicsHandler::Response::DeletableTopicResult> DeleteOne(
    Topics& topics, std::optional<std::string> name, protocol::Uuid id) {
  DeleteTopicsHandler::Response::DeletableTopicResult result;
  result.topic_id = id;
  if (!name) {
    auto topic = topics.FindById(id);
    if (!topic) {
      result.error_code = ToInt(ErrorCode::kUnknownTopicId);
      co_return result;
    }
    name = topic->name;
  }
  result.name = name;
  if (auto topic = topics.Find(*name)) result.topic_id = topic->id;
  ErrorCode error = co_await topics.Delete(*name);
  result.error_code = ToInt(error);
  if (error != ErrorCode::kNone) result.error_message = protocol::ErrorCodeMessage(error);
  co_return result;
}

}  // namespace

Awaitable<DeleteTopicsHandler::Response> DeleteTopicsHandler::Handle(RequestContext& ctx,
                                                                     const Request& request) {
  Response response;
  Topics& topics = ctx.state.topics();
  if (ctx.version >= 6) {
    for (const auto& t : request.topics) {
      response.responses.push_back(co_await DeleteOne(topics, t.name, t.topic_id));
    }
  } else {
    for (const auto& name : request.topic_names) {
      response.responses.push_back(co_await DeleteOne(topics, name, {}));
    }
  }
  co_return response;
}

}  // namespace kpk::broker::handlers
