// The dev broker as a whole: opens storage, serves Kafka and the Admin API, and shuts down
// cleanly. `kpk broker run` is a thin shell around this class.
#pragma once

#include <memory>

#include "broker/core/broker_config.h"
#include "common/status.h"

namespace kpk::broker {

class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens (and recovers) the data directory and binds both listeners.
  Status Start();
  // Serves until Stop() or SIGINT/SIGTERM, then flushes and closes everything.
  void Run();
  // Thread-safe.
  void Stop();

  uint16_t kafka_port() const;
  uint16_t admin_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kpk::broker
