#include "broker/transactions/producer_states.h"

#include "common/log.h"

namespace kpk::broker::transactions {

PartitionProducerState* ProducerStates::IfLoaded(
    const std::string& topic, int32_t partition,
    const std::shared_ptr<storage::PartitionLog>& log) {
  auto it = entries_.find({topic, partition});
  if (it == entries_.end() || it->second.log.lock() != log) return nullptr;
  return &it->second.state;
}

PartitionProducerState* ProducerStates::For(const std::string& topic, int32_t partition,
                                            const std::shared_ptr<storage::PartitionLog>& log) {
  if (auto* loaded = IfLoaded(topic, partition, log)) return loaded;
  Entry entry{log, {}};
  if (Status s = entry.state.Rebuild(*log); !s.ok()) {
    KPK_LOG_ERROR("cannot rebuild producer state of {}-{}: {}", topic, partition, s.ToString());
    return nullptr;
  }
  auto& slot = entries_[{topic, partition}];
  slot = std::move(entry);
  return &slot.state;
}

}  // namespace kpk::broker::transactions
