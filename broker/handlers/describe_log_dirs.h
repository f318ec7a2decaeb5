// DescribeLogDirs (35): the data directory, each partition's size, and the disk's capacity.
#pragma once

#include "broker/handlers/handler.h"
#include "broker/protocol/generated/describe_log_dirs_request.h"
#include "broker/protocol/generated/describe_log_dirs_response.h"

namespace kpk::broker::handlers {

struct DescribeLogDirsHandler
    : HandlerSpec<protocol::DescribeLogDirsRequest, protocol::DescribeLogDirsResponse, 0, 4> {
  static Response Handle(RequestContext& ctx, const Request& request);
};

}  // namespace kpk::broker::handlers
