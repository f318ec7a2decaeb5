// What the Admin API's metrics read from the event loop: topics, partitions and consumer
// groups, copied at scrape time.
#pragma once

#include "broker/admin/metrics_snapshot.h"

namespace kpk::broker {
inline namespace core {
class BrokerState;
}
namespace groups {
class GroupCoordinator;
}

// Runs on the event loop. Also forgets the traffic counters of topics that no longer exist.
admin::MetricsSnapshot CollectMetricsSnapshot(BrokerState& state,
                                              const groups::GroupCoordinator& groups);

}  // namespace kpk::broker
