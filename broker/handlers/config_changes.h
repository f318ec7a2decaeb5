// Applying config changes to a topic or to the broker: shared by AlterConfigs (which replaces
// the whole set) and IncrementalAlterConfigs (which edits it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker/core/config_catalog.h"
#include "broker/handlers/handler.h"
#include "broker/net/asio.h"

namespace kpk::broker::handlers {

// Kafka's IncrementalAlterConfigs operations.
enum class ConfigOp : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct ConfigChange {
  std::string name;
  ConfigOp op = ConfigOp::kSet;
  std::optional<std::string> value;
};

struct ChangeOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
};

// Applies `changes` to the resource. With `replace_all` (AlterConfigs), overrides not named in
// `changes` are removed first.
Awaitable<ChangeOutcome> ApplyConfigChanges(BrokerState& state, int8_t resource_type,
                                            std::string resource_name,
                                            std::vector<ConfigChange> changes, bool replace_all,
                                            bool validate_only);

}  // namespace kpk::broker::handlers
