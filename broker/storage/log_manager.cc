#include "broker/storage/log_manager.h"

#include <chrono>
#include <cstdio>

#include "broker/storage/log_format.h"

namespace kpk::broker::storage {
namespace {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// mkdir -p.
Status CreateDirs(FileSystem& fs, const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    Status s = fs.CreateDir(path.substr(0, slash));
    if (!s.ok()) return s;
  }
  return fs.CreateDir(path);
}

std::optional<int32_t> ParsePartitionDir(std::string_view name) {
  if (name.empty() || name.size() > 9) return std::nullopt;
  int32_t value = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (name.size() > 1 && name[0] == '0') return std::nullopt;
  return value;
}

}  // namespace

LogManager::LogManager(StorageOptions options)
    : options_(std::move(options)),
      fs_(options_.fs ? *options_.fs : *DefaultFileSystem()),
      flusher_(std::make_shared<Flusher>()),
      defaults_(options_.defaults) {
  env_.fs = &fs_;
  env_.sync = !options_.developer_mode;
  env_.page_cache_tail_bytes = options_.page_cache_tail_bytes;
  env_.warn = options_.warn;
  std::weak_ptr<Flusher> flusher = flusher_;
  env_.schedule_sync = [flusher](std::shared_ptr<PartitionLog> log) {
    if (auto f = flusher.lock()) f->ScheduleSync(std::move(log));
  };
  CleanerOptions cleaner = options_.cleaner;
  if (!cleaner.warn) cleaner.warn = options_.warn;
  if (!cleaner.info) cleaner.info = options_.warn;
  cleaner_ = std::make_unique<LogCleaner>([this] { return AllLogs(); }, std::move(cleaner));
}

LogManager::~LogManager() { (void)Close(); }

void LogManager::Warn(std::string_view message) const {
  if (options_.warn) {
    options_.warn("storage: " + std::string(message));
  } else {
    std::fprintf(stderr, "storage: %.*s\n", static_cast<int>(message.size()), message.data());
  }
}

Result<std::unique_ptr<LogManager>> LogManager::Open(StorageOptions options) {
  std::unique_ptr<LogManager> manager(new LogManager(std::move(options)));
  Status s = manager->Load();
  if (!s.ok()) {
    manager->closed_ = true;  // nothing to close cleanly
    manager->flusher_->Stop();
    return Err(s);
  }
  manager->cleaner_->Start();
  return manager;
}

std::string LogManager::TopicDir(std::string_view name) const {
  return JoinPath(JoinPath(options_.data_dir, format::kTopicsDirName), name);
}

std::string LogManager::PartitionDir(std::string_view topic, int32_t partition) const {
  return JoinPath(TopicDir(topic), std::to_string(partition));
}

Status LogManager::Load() {
  const std::string& root = options_.data_dir;
  if (root.empty()) return Status::InvalidArgument("no data directory given");
  Status s = CreateDirs(fs_, root);
  if (!s.ok()) return s;
  std::string format_path = JoinPath(root, format::kFormatFileName);
  if (fs_.Exists(format_path)) {
    auto contents = ReadWholeFile(fs_, format_path);
    if (!contents) return contents.error();
    if (AsChars(*contents) != format::kFormatFileContents) {
      return Status::InvalidArgument(root + " holds data in a format this kpk does not know: " +
                                     std::string(AsChars(*contents)));
    }
  } else {
    s = WriteFileAtomically(fs_, format_path, AsBytes(format::kFormatFileContents), env_.sync);
    if (!s.ok()) return s;
  }
  for (std::string_view dir :
       {format::kTopicsDirName, format::kTempDirName, format::kTrashDirName}) {
    s = fs_.CreateDir(JoinPath(root, dir));
    if (!s.ok()) return s;
  }
  // Leftovers of topic creations and deletions a crash interrupted.
  for (std::string_view dir : {format::kTempDirName, format::kTrashDirName}) {
    std::string path = JoinPath(root, dir);
    auto names = fs_.ListDir(path);
    if (!names) return names.error();
    for (const std::string& name : *names) (void)fs_.RemoveAll(JoinPath(path, name));
  }
  auto topics = fs_.ListDir(JoinPath(root, format::kTopicsDirName));
  if (!topics) return topics.error();
  for (const std::string& name : *topics) {
    s = LoadTopic(name);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status LogManager::LoadTopic(const std::string& dir_name) {
  std::string dir = TopicDir(dir_name);
  auto json = ReadWholeFile(fs_, JoinPath(dir, format::kTopicMetadataFileName));
  Result<TopicMetadata> metadata =
      json ? DecodeTopicMetadata(AsChars(*json)) : Result<TopicMetadata>(Err(json.error()));
  if (metadata && metadata->name != dir_name) {
    metadata = Err(Status::Corruption("metadata names topic " + metadata->name));
  }
  if (!metadata) {
    Warn("skipping topic directory " + dir + ": " + metadata.error().ToString());
    return Status::OK();
  }
  auto config = LogConfig::FromConfigs(metadata->configs, defaults_);
  if (!config) {
    Warn("topic " + dir_name + ": " + config.error().message() + "; using defaults");
    config = defaults_;
  }
  // Partition directories past the count are left by an interrupted CreatePartitions; they
  // were never announced, so they are empty of anything a client wrote.
  auto entries = fs_.ListDir(dir);
  if (!entries) return entries.error();
  for (const std::string& entry : *entries) {
    auto partition = ParsePartitionDir(entry);
    if (partition && *partition >= metadata->partitions) {
      (void)fs_.RemoveAll(JoinPath(dir, entry));
    }
  }
  Topic topic{*metadata, *config, {}};
  for (int32_t p = 0; p < metadata->partitions; ++p) {
    auto log = OpenLog(dir_name, p, *config);
    if (!log) {
      // One partition the broker cannot open (an unreadable directory) must not keep it from
      // serving the others: it is offline (a null log) until the operator acts.
      Warn("cannot open partition " + dir_name + "-" + std::to_string(p) + ": " +
           log.error().ToString() + "; the partition is offline, its files untouched");
      topic.logs.push_back(nullptr);
      continue;
    }
    topic.logs.push_back(std::move(*log));
  }
  std::lock_guard lock(mu_);
  topics_.emplace(dir_name, std::move(topic));
  return Status::OK();
}

Result<std::shared_ptr<PartitionLog>> LogManager::OpenLog(const std::string& topic,
                                                          int32_t partition,
                                                          const LogConfig& config) {
  return PartitionLog::Open(PartitionDir(topic, partition), topic + "-" + std::to_string(partition),
                            config, env_, WallClockMs());
}

Status LogManager::WriteMetadata(const std::string& topic_dir, const TopicMetadata& metadata) {
  return WriteFileAtomically(fs_, JoinPath(topic_dir, format::kTopicMetadataFileName),
                             AsBytes(EncodeTopicMetadata(metadata)), env_.sync);
}

LogConfig LogManager::EffectiveConfig(const TopicMetadata& metadata,
                                      const LogConfig& fallback) const {
  auto config = LogConfig::FromConfigs(metadata.configs, defaults_);
  return config ? *config : fallback;
}

Result<TopicMetadata> LogManager::CreateTopic(std::string_view name, int32_t partitions,
                                              const ConfigMap& configs) {
  std::lock_guard admin(admin_mu_);
  auto topic = PlanTopic(name, partitions, configs);
  if (!topic) return Err(topic.error());
  if (Status s = BuildTopic(*topic); !s.ok()) return Err(s);
  TopicMetadata metadata = topic->metadata;
  if (Status s = AddTopic(std::move(*topic)); !s.ok()) return Err(s);
  return metadata;
}

Result<LogManager::NewTopic> LogManager::PlanTopic(std::string_view name, int32_t partitions,
                                                   const ConfigMap& configs) const {
  Status s = ValidateTopicName(name);
  if (!s.ok()) return Err(s);
  if (partitions < 1 || partitions > kMaxPartitions) {
    return Err(Status::InvalidArgument("partition count " + std::to_string(partitions) +
                                       " is not between 1 and " + std::to_string(kMaxPartitions)));
  }
  std::lock_guard lock(mu_);
  auto config = LogConfig::FromConfigs(configs, defaults_);
  if (!config) return Err(config.error());
  if (closed_) return Err(Status::Unavailable("storage is closed"));
  if (topics_.contains(name)) {
    return Err(Status::AlreadyExists("topic " + std::string(name) + " already exists"));
  }
  return NewTopic{TopicMetadata{std::string(name), NewTopicId(), partitions, configs}, *config, {}};
}

Status LogManager::BuildTopic(NewTopic& topic) {
  const TopicMetadata& metadata = topic.metadata;
  // Build the whole topic in tmp/ and move it into place with one rename, so a crash leaves
  // either no topic or all of it.
  std::string staging =
      JoinPath(JoinPath(options_.data_dir, format::kTempDirName), UuidToCanonical(metadata.id));
  Status s = fs_.CreateDir(staging);
  if (s.ok()) s = WriteMetadata(staging, metadata);
  for (int32_t p = 0; s.ok() && p < metadata.partitions; ++p) {
    s = fs_.CreateDir(JoinPath(staging, std::to_string(p)));
  }
  if (s.ok() && env_.sync) s = fs_.SyncDir(staging);
  if (s.ok()) s = fs_.Rename(staging, TopicDir(metadata.name));
  if (!s.ok()) {
    (void)fs_.RemoveAll(staging);
    return s;
  }
  if (env_.sync) s = fs_.SyncDir(JoinPath(options_.data_dir, format::kTopicsDirName));
  for (int32_t p = 0; s.ok() && p < metadata.partitions; ++p) {
    auto log = OpenLog(metadata.name, p, topic.config);
    if (!log) {
      s = log.error();
      break;
    }
    topic.logs.push_back(std::move(*log));
  }
  if (!s.ok()) {
    for (const auto& log : topic.logs) (void)log->Close();
    topic.logs.clear();
    (void)fs_.RemoveAll(TopicDir(metadata.name));
  }
  return s;
}

Status LogManager::AddTopic(NewTopic topic) {
  std::unique_lock lock(mu_);
  if (closed_) {
    lock.unlock();
    for (const auto& log : topic.logs) (void)log->Close();
    return Status::Unavailable("storage is closed");
  }
  // The broker's defaults may have changed since the plan.
  topic.config = EffectiveConfig(topic.metadata, topic.config);
  for (const auto& log : topic.logs) log->SetConfig(topic.config);
  std::string name = topic.metadata.name;
  topics_.emplace(std::move(name),
                  Topic{std::move(topic.metadata), topic.config, std::move(topic.logs)});
  return Status::OK();
}

Status LogManager::DeleteTopic(std::string_view name) {
  std::lock_guard admin(admin_mu_);
  auto removal = PlanRemoval(name);
  if (!removal) return removal.error();
  if (Status s = MoveToTrash(*removal); !s.ok()) return s;
  DropTopic(*removal);
  EmptyTrash(*removal);
  return Status::OK();
}

Result<LogManager::TopicRemoval> LogManager::PlanRemoval(std::string_view name) const {
  std::lock_guard lock(mu_);
  if (closed_) return Err(Status::Unavailable("storage is closed"));
  auto it = topics_.find(name);
  if (it == topics_.end()) return Err(Status::NotFound("topic " + std::string(name)));
  return TopicRemoval{std::string(name),
                      JoinPath(JoinPath(options_.data_dir, format::kTrashDirName),
                               std::string(name) + "." + UuidToCanonical(it->second.metadata.id))};
}

Status LogManager::MoveToTrash(const TopicRemoval& removal) {
  // One rename takes the topic out of topics/; removing the files can then be interrupted
  // safely (trash/ is emptied on startup).
  Status s = fs_.Rename(TopicDir(removal.name), removal.trash);
  if (s.ok() && env_.sync) s = fs_.SyncDir(JoinPath(options_.data_dir, format::kTopicsDirName));
  return s;
}

void LogManager::DropTopic(const TopicRemoval& removal) {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  {
    std::lock_guard lock(mu_);
    auto it = topics_.find(removal.name);
    if (it == topics_.end()) return;
    logs = std::move(it->second.logs);
    topics_.erase(it);
  }
  for (const auto& log : logs) {
    if (log) log->MarkDeleted();
  }
}

void LogManager::EmptyTrash(const TopicRemoval& removal) {
  Status removed = fs_.RemoveAll(removal.trash);
  if (!removed.ok()) Warn("cannot remove " + removal.trash + ": " + removed.ToString());
}

Status LogManager::CreatePartitions(std::string_view name, int32_t total) {
  std::lock_guard admin(admin_mu_);
  auto partitions = PlanPartitions(name, total);
  if (!partitions) return partitions.error();
  if (Status s = BuildPartitions(*partitions); !s.ok()) return s;
  AddPartitions(std::move(*partitions));
  return Status::OK();
}

Result<LogManager::NewPartitions> LogManager::PlanPartitions(std::string_view name,
                                                             int32_t total) const {
  std::lock_guard lock(mu_);
  if (closed_) return Err(Status::Unavailable("storage is closed"));
  auto it = topics_.find(name);
  if (it == topics_.end()) return Err(Status::NotFound("topic " + std::string(name)));
  const TopicMetadata& metadata = it->second.metadata;
  if (total <= metadata.partitions || total > kMaxPartitions) {
    return Err(Status::InvalidArgument(
        "topic " + metadata.name + " has " + std::to_string(metadata.partitions) +
        " partitions; cannot change that to " + std::to_string(total)));
  }
  NewPartitions plan{metadata, metadata.partitions, it->second.config, {}};
  plan.metadata.partitions = total;
  return plan;
}

Status LogManager::BuildPartitions(NewPartitions& partitions) {
  const TopicMetadata& metadata = partitions.metadata;
  // The new partitions exist on disk before the metadata that announces them.
  Status s;
  for (int32_t p = partitions.old_count; s.ok() && p < metadata.partitions; ++p) {
    (void)fs_.RemoveAll(PartitionDir(metadata.name, p));
    auto log = OpenLog(metadata.name, p, partitions.config);
    if (log) {
      partitions.added.push_back(std::move(*log));
    } else {
      s = log.error();
    }
  }
  if (s.ok()) s = WriteMetadata(TopicDir(metadata.name), metadata);
  if (!s.ok()) {
    for (const auto& log : partitions.added) (void)log->Close();
    partitions.added.clear();
    for (int32_t p = partitions.old_count; p < metadata.partitions; ++p) {
      (void)fs_.RemoveAll(PartitionDir(metadata.name, p));
    }
  }
  return s;
}

void LogManager::AddPartitions(NewPartitions partitions) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(partitions.metadata.name);
  if (it == topics_.end()) return;
  Topic& topic = it->second;
  topic.metadata.partitions = partitions.metadata.partitions;
  for (const auto& log : partitions.added) log->SetConfig(topic.config);
  topic.logs.insert(topic.logs.end(), partitions.added.begin(), partitions.added.end());
}

Status LogManager::SetTopicConfigs(std::string_view name, const ConfigMap& configs) {
  std::lock_guard admin(admin_mu_);
  auto update = PlanConfigs(name, configs);
  if (!update) return update.error();
  if (Status s = WriteConfigs(*update); !s.ok()) return s;
  ApplyConfigs(*update);
  return Status::OK();
}

Result<LogManager::ConfigUpdate> LogManager::PlanConfigs(std::string_view name,
                                                         const ConfigMap& configs) const {
  std::lock_guard lock(mu_);
  auto config = LogConfig::FromConfigs(configs, defaults_);
  if (!config) return Err(config.error());
  if (closed_) return Err(Status::Unavailable("storage is closed"));
  auto it = topics_.find(name);
  if (it == topics_.end()) return Err(Status::NotFound("topic " + std::string(name)));
  ConfigUpdate update{it->second.metadata, *config};
  update.metadata.configs = configs;
  return update;
}

Status LogManager::WriteConfigs(const ConfigUpdate& update) {
  return WriteMetadata(TopicDir(update.metadata.name), update.metadata);
}

void LogManager::ApplyConfigs(const ConfigUpdate& update) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(update.metadata.name);
  if (it == topics_.end()) return;
  Topic& topic = it->second;
  topic.metadata.configs = update.metadata.configs;
  // The broker's defaults may have changed since the plan.
  topic.config = EffectiveConfig(topic.metadata, update.config);
  for (const auto& log : topic.logs) {
    if (log) log->SetConfig(topic.config);
  }
}

std::vector<TopicMetadata> LogManager::ListTopics() const {
  std::lock_guard lock(mu_);
  std::vector<TopicMetadata> out;
  out.reserve(topics_.size());
  for (const auto& [name, topic] : topics_) out.push_back(topic.metadata);
  return out;
}

Result<TopicMetadata> LogManager::DescribeTopic(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Err(Status::NotFound("topic " + std::string(name)));
  return it->second.metadata;
}

std::optional<std::string> LogManager::TopicNameForId(const protocol::Uuid& id) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, topic] : topics_) {
    if (topic.metadata.id == id) return name;
  }
  return std::nullopt;
}

Result<LogConfig> LogManager::TopicConfig(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Err(Status::NotFound("topic " + std::string(name)));
  return it->second.config;
}

LogConfig LogManager::defaults() const {
  std::lock_guard lock(mu_);
  return defaults_;
}

void LogManager::SetDefaults(const LogConfig& defaults) {
  std::lock_guard admin(admin_mu_);
  std::lock_guard lock(mu_);
  defaults_ = defaults;
  for (auto& [name, topic] : topics_) {
    auto config = LogConfig::FromConfigs(topic.metadata.configs, defaults_);
    // The overrides were valid when they were set; if they no longer combine with the new
    // defaults, keep the settings the topic has.
    if (!config) {
      Warn("topic " + name + ": " + config.error().message() + "; keeping its settings");
      continue;
    }
    topic.config = *config;
    for (const auto& log : topic.logs) {
      if (log) log->SetConfig(*config);
    }
  }
}

std::shared_ptr<PartitionLog> LogManager::GetLog(std::string_view topic, int32_t partition) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 ||
      static_cast<size_t>(partition) >= it->second.logs.size()) {
    return nullptr;
  }
  return it->second.logs[static_cast<size_t>(partition)];
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::AllLogs() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<PartitionLog>> logs;
  for (const auto& [name, topic] : topics_) {
    for (const auto& log : topic.logs) {
      if (log) logs.push_back(log);  // not the partitions that could not be opened
    }
  }
  return logs;
}

void LogManager::ApplyRetention(int64_t now_ms) {
  for (const auto& log : AllLogs()) {
    auto deleted = log->ApplyRetention(now_ms);
    if (!deleted) Warn(log->name() + ": retention failed: " + deleted.error().ToString());
  }
}

Status LogManager::Flush() {
  Status result;
  for (const auto& log : AllLogs()) {
    Status s = log->Sync();
    if (!s.ok() && result.ok()) result = s;
  }
  return result;
}

Status LogManager::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::OK();
    closed_ = true;
  }
  cleaner_->Stop();
  flusher_->Stop();
  Status result;
  for (const auto& log : AllLogs()) {
    Status s = log->Close();
    if (!s.ok()) {
      Warn(log->name() + ": close failed: " + s.ToString());
      if (result.ok()) result = s;
    }
  }
  return result;
}

}  // namespace kpk::broker::storage
