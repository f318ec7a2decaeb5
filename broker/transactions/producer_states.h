// Every partition's producer state, loaded on first use: a partition created in this run
// starts empty; one that existed before is rebuilt by scanning its log (see producer_state.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "broker/transactions/producer_state.h"

namespace kpk::broker::transactions {

class ProducerStates {
 public:
  // The state of `log` (topic, partition), rebuilding it if needed; nullptr if the log cannot
  // be read (the caller answers KAFKA_STORAGE_ERROR).
  PartitionProducerState* For(const std::string& topic, int32_t partition,
                              const std::shared_ptr<storage::PartitionLog>& log);
  // The state if it is loaded, without rebuilding; for cheap paths such as Fetch on a topic
  // never produced to transactionally in this run.
  PartitionProducerState* IfLoaded(const std::string& topic, int32_t partition,
                                   const std::shared_ptr<storage::PartitionLog>& log);

 private:
  struct Entry {
    std::weak_ptr<storage::PartitionLog> log;  // a recreated topic gets a fresh state
    PartitionProducerState state;
  };
  std::map<std::pair<std::string, int32_t>, Entry> entries_;
};

}  // namespace kpk::broker::transactions
