// The broker's storage entry point: every topic and partition log under one data directory,
// and the group-commit flusher that makes them durable.
//
// Typical use by the broker:
//
//   auto storage = LogManager::Open({.data_dir = dir, .developer_mode = dev});
//   auto log = (*storage)->GetLog("orders", 0);            // cache it per partition
//   auto appended = log->Append(batch_bytes, NowMs());      // on the reactor thread
//   (*storage)->flusher().RequestDurable(log, appended->last_offset + 1,
//       [](const Status& s) { /* post the acks=-1 response to the reactor */ });
//   ... periodically: (*storage)->ApplyRetention(NowMs());
//   ... at shutdown:  (*storage)->Close();
//
// The log cleaner compacts topics with cleanup.policy=compact on its own thread.
//
// Admin operations (create/delete topics, add partitions, alter configs) write and fsync
// metadata, so they take milliseconds; run them where that is acceptable.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/storage/flusher.h"
#include "broker/storage/log_cleaner.h"
#include "broker/storage/log_config.h"
#include "broker/storage/partition_log.h"
#include "broker/storage/topic_metadata.h"
#include "common/file_system.h"
#include "common/status.h"

namespace kpk::broker::storage {

struct StorageOptions {
  std::string data_dir;
  // Null: the real file system. Tests pass a fault-injecting wrapper.
  FileSystem* fs = nullptr;
  // Never fsync (see LogEnv::sync). Acknowledged data then survives a broker crash but not a
  // machine crash.
  bool developer_mode = false;
  // Broker-wide topic config defaults; a topic's overrides are applied on top.
  LogConfig defaults;
  // See LogEnv::page_cache_tail_bytes.
  int64_t page_cache_tail_bytes = kDefaultPageCacheTailBytes;
  // Receives recovery reports and background failures. Null: stderr.
  std::function<void(std::string_view)> warn;
  // The log cleaner's settings (its info and warn default to `warn`). It starts with Open().
  CleanerOptions cleaner;
};

// Thread-safe.
class LogManager {
 public:
  // Creates the data directory if needed, removes leftovers of interrupted topic creations and
  // deletions, and opens and recovers every partition. A topic whose metadata cannot be read is
  // reported through `warn` and skipped, its files untouched; so is a partition that cannot be
  // opened, which stays listed with a null log (GetLog), offline.
  static Result<std::unique_ptr<LogManager>> Open(StorageOptions options);
  // Close()s.
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // Creates a topic atomically (all of it or nothing, even across a crash) with a new random
  // id. kInvalidArgument for a bad name (INVALID_TOPIC_EXCEPTION), partition count
  // (INVALID_PARTITIONS) or config value (INVALID_CONFIG); kAlreadyExists
  // (TOPIC_ALREADY_EXISTS).
  Result<TopicMetadata> CreateTopic(std::string_view name, int32_t partitions,
                                    const ConfigMap& configs);
  // Removes a topic and its files. Its logs refuse appends from then on. kNotFound.
  Status DeleteTopic(std::string_view name);
  // Grows a topic to `total` partitions. kInvalidArgument unless total is larger than now.
  Status CreatePartitions(std::string_view name, int32_t total);
  // Replaces the topic's config overrides (persisted atomically) and applies them to its logs.
  Status SetTopicConfigs(std::string_view name, const ConfigMap& configs);

  // The four operations above, each in steps for a caller that must not wait for the disk
  // (the broker's event loop): Plan* checks and reads the state (fast); the disk step runs on
  // any thread and touches nothing shared; the last step publishes the result (fast). The
  // caller runs one operation per topic at a time and reserves a name it is creating; the
  // one-call forms above do exactly these steps under one lock.
  struct NewTopic {
    TopicMetadata metadata;
    LogConfig config;
    std::vector<std::shared_ptr<PartitionLog>> logs;  // opened by BuildTopic
  };
  Result<NewTopic> PlanTopic(std::string_view name, int32_t partitions,
                             const ConfigMap& configs) const;
  // Builds the topic in tmp/, moves it into topics/ with one rename, and opens its logs.
  // Cleans up after itself on failure.
  Status BuildTopic(NewTopic& topic);
  // kUnavailable (and the logs closed) once storage is closed.
  Status AddTopic(NewTopic topic);

  struct TopicRemoval {
    std::string name;
    std::string trash;  // where MoveToTrash puts its directory
  };
  Result<TopicRemoval> PlanRemoval(std::string_view name) const;
  // Takes the topic's directory out of topics/ with one rename (durably): from here a restart
  // no longer sees the topic.
  Status MoveToTrash(const TopicRemoval& removal);
  // Forgets the topic; its logs refuse appends from then on.
  void DropTopic(const TopicRemoval& removal);
  // Removes the files (trash/ is also emptied at startup, should this be interrupted).
  void EmptyTrash(const TopicRemoval& removal);

  struct NewPartitions {
    TopicMetadata metadata;  // with the new count
    int32_t old_count = 0;
    LogConfig config;
    std::vector<std::shared_ptr<PartitionLog>> added;  // opened by BuildPartitions
  };
  Result<NewPartitions> PlanPartitions(std::string_view name, int32_t total) const;
  // Creates the new partitions, then writes the metadata that announces them.
  Status BuildPartitions(NewPartitions& partitions);
  void AddPartitions(NewPartitions partitions);

  struct ConfigUpdate {
    TopicMetadata metadata;  // with the new overrides
    LogConfig config;
  };
  Result<ConfigUpdate> PlanConfigs(std::string_view name, const ConfigMap& configs) const;
  Status WriteConfigs(const ConfigUpdate& update);
  void ApplyConfigs(const ConfigUpdate& update);

  std::vector<TopicMetadata> ListTopics() const;  // sorted by name
  Result<TopicMetadata> DescribeTopic(std::string_view name) const;
  std::optional<std::string> TopicNameForId(const protocol::Uuid& id) const;
  // The effective settings of a topic (defaults plus overrides).
  Result<LogConfig> TopicConfig(std::string_view name) const;
  LogConfig defaults() const;
  // Replaces the broker-wide defaults (the broker's configs changed at run time) and re-applies
  // every topic's overrides on top of them, so topics without an override follow at once.
  void SetDefaults(const LogConfig& defaults);

  // Null if there is no such topic or partition, or if the partition could not be opened at
  // startup (it is offline). The log stays usable while held, even if the topic is deleted
  // meanwhile (appends then fail with kNotFound).
  std::shared_ptr<PartitionLog> GetLog(std::string_view topic, int32_t partition) const;

  Flusher& flusher() { return *flusher_; }
  // Compacts the topics whose cleanup.policy includes compact, on its own thread.
  LogCleaner& cleaner() { return *cleaner_; }

  // Runs retention on every partition; call it periodically (Kafka: every 5 minutes).
  void ApplyRetention(int64_t now_ms);
  // Syncs every partition now, on the calling thread.
  Status Flush();
  // Completes pending flush requests, then syncs and closes every partition so the next open
  // needs no recovery scan. Further admin calls fail with kUnavailable. Idempotent.
  Status Close();

 private:
  struct Topic {
    TopicMetadata metadata;
    LogConfig config;
    std::vector<std::shared_ptr<PartitionLog>> logs;
  };

  explicit LogManager(StorageOptions options);
  Status Load();
  Status LoadTopic(const std::string& dir_name);
  Result<std::shared_ptr<PartitionLog>> OpenLog(const std::string& topic, int32_t partition,
                                                const LogConfig& config);
  std::string TopicDir(std::string_view name) const;
  std::string PartitionDir(std::string_view topic, int32_t partition) const;
  Status WriteMetadata(const std::string& topic_dir, const TopicMetadata& metadata);
  // The topic's settings from its overrides over the current defaults; `fallback` if they no
  // longer combine. Needs mu_.
  LogConfig EffectiveConfig(const TopicMetadata& metadata, const LogConfig& fallback) const;
  std::vector<std::shared_ptr<PartitionLog>> AllLogs() const;
  void Warn(std::string_view message) const;

  const StorageOptions options_;
  FileSystem& fs_;
  LogEnv env_;
  std::shared_ptr<Flusher> flusher_;
  std::unique_ptr<LogCleaner> cleaner_;

  // Serializes admin operations (they do file I/O); never held by the data path.
  std::mutex admin_mu_;
  mutable std::mutex mu_;
  // Starts as options_.defaults. Written under both admin_mu_ and mu_, so either suffices to
  // read it.
  LogConfig defaults_;
  std::map<std::string, Topic, std::less<>> topics_;
  bool closed_ = false;
};

}  // namespace kpk::broker::storage
