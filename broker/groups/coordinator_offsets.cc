// Committed offsets (OffsetCommit, OffsetFetch, OffsetDelete, transactional staging) and the
// coordinator's use of its log: replay at startup, appends, compaction.
#include "broker/groups/coordinator.h"

#include <fmt/core.h>

namespace kpk::broker::groups {
namespace {

// Kafka's offset.metadata.max.bytes.
constexpr size_t kMaxOffsetMetadataBytes = 4096;

// What a client sees when its offsets could not be made durable: retriable, so it commits
// again once the disk recovers.
constexpr ErrorCode kStoreFailed = ErrorCode::kCoordinatorNotAvailable;

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

Bytes Encode(const std::vector<format::Record>& records) {
  ByteWriter w(256);
  for (const format::Record& r : records) format::AppendRecord(w, r);
  return w.Take();
}

format::OffsetCommitRecord ToRecord(const std::string& group, const TopicPartition& tp,
                                    const CommittedOffset& value) {
  return format::OffsetCommitRecord{group,
                                    tp.topic,
                                    tp.partition,
                                    value.offset,
                                    value.leader_epoch,
                                    value.metadata,
                                    value.commit_timestamp_ms};
}

}  // namespace

ErrorCode GroupCoordinator::CheckCommitter(const Group* group, const Committer& committer,
                                           bool transactional) const {
  if (!group) {
    // Unknown group: fine for a client that only stores offsets; a member of a generation
    // the coordinator no longer knows is out of date.
    return committer.generation < 0 ? ErrorCode::kNone : ErrorCode::kIllegalGeneration;
  }
  if (group->state == GroupState::kDead) return ErrorCode::kCoordinatorNotAvailable;
  if (committer.generation >= 0 || !committer.member_id.empty() || committer.instance_id) {
    if (committer.instance_id) {
      const std::string* current = group->StaticMemberId(*committer.instance_id);
      if (current && *current != committer.member_id) return ErrorCode::kFencedInstanceId;
    }
    if (group->members.count(committer.member_id) == 0) return ErrorCode::kUnknownMemberId;
    if (committer.generation != group->generation) return ErrorCode::kIllegalGeneration;
  } else if (group->state != GroupState::kEmpty) {
    // Only members may commit for a group that has members.
    return ErrorCode::kUnknownMemberId;
  }
  if (!transactional && group->state == GroupState::kCompletingRebalance) {
    // A member of the new generation that has not synced yet: it will learn its assignment
    // and commit again.
    return ErrorCode::kRebalanceInProgress;
  }
  return ErrorCode::kNone;
}

Awaitable<std::vector<ErrorCode>> GroupCoordinator::CommitOffsets(
    Committer committer, std::vector<OffsetToCommit> offsets) {
  Group* group = Find(committer.group_id);
  const ErrorCode error =
      stopped_ ? ErrorCode::kCoordinatorNotAvailable : CheckCommitter(group, committer, false);
  std::vector<ErrorCode> errors(offsets.size(), error);
  if (error != ErrorCode::kNone) co_return errors;
  if (!group) group = &FindOrCreate(committer.group_id);
  // A commit is as good as a heartbeat (Kafka does the same).
  if (Member* member = group->FindMember(committer.member_id)) Touch(*member);
  std::vector<OffsetToCommit> accepted;
  std::vector<size_t> accepted_at;
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i].value.metadata.size() > kMaxOffsetMetadataBytes) {
      errors[i] = ErrorCode::kOffsetMetadataTooLarge;
      continue;
    }
    accepted.push_back(std::move(offsets[i]));
    accepted_at.push_back(i);
  }
  if (accepted.empty()) co_return errors;
  Status s = co_await PersistAndWait(Commit(*group, accepted));
  // `group` may be gone by now (DeleteGroups ran while this waited); do not touch it.
  if (!s.ok()) {
    for (size_t i : accepted_at) errors[i] = kStoreFailed;
  }
  co_return errors;
}

GroupCoordinator::Records GroupCoordinator::Commit(Group& group,
                                                   const std::vector<OffsetToCommit>& offsets) {
  Records records;
  records.reserve(offsets.size());
  for (const OffsetToCommit& o : offsets) {
    group.offsets[o.partition] = o.value;
    records.push_back(ToRecord(group.id(), o.partition, o.value));
  }
  return records;
}

std::vector<FetchedOffset> GroupCoordinator::FetchOffsets(
    const std::string& group_id,
    const std::optional<std::vector<TopicPartition>>& partitions) const {
  const Group* group = Find(group_id);
  std::vector<FetchedOffset> out;
  auto add = [&](const TopicPartition& tp, const CommittedOffset* value) {
    FetchedOffset& f = out.emplace_back();
    f.partition = tp;
    if (value) f.value = *value;
  };
  if (!partitions) {
    if (group) {
      for (const auto& [tp, value] : group->offsets) add(tp, &value);
    }
    return out;
  }
  for (const TopicPartition& tp : *partitions) {
    const CommittedOffset* value = nullptr;
    if (group) {
      auto it = group->offsets.find(tp);
      if (it != group->offsets.end()) value = &it->second;
    }
    add(tp, value);
  }
  return out;
}

Awaitable<OffsetDeleteResult> GroupCoordinator::DeleteOffsets(
    std::string group_id, std::vector<TopicPartition> partitions) {
  OffsetDeleteResult result;
  Group* group = stopped_ ? nullptr : Find(group_id);
  if (stopped_) {
    result.error = ErrorCode::kCoordinatorNotAvailable;
    co_return result;
  }
  if (!group || group->state == GroupState::kDead) {
    result.error = ErrorCode::kGroupIdNotFound;
    co_return result;
  }
  std::optional<std::set<std::string>> subscribed;
  const bool active = group->state != GroupState::kEmpty;
  if (active) {
    if (group->protocol_type != "consumer") {
      result.error = ErrorCode::kNonEmptyGroup;
      co_return result;
    }
    subscribed = group->SubscribedTopics();  // nullopt: unknown, so every topic is in use
  }
  Records records;
  std::vector<size_t> deleted_at;
  for (const TopicPartition& tp : partitions) {
    if (active && (!subscribed || subscribed->count(tp.topic) > 0)) {
      result.partitions.push_back(ErrorCode::kGroupSubscribedToTopic);
      continue;
    }
    if (group->offsets.erase(tp) > 0) {
      records.push_back(format::OffsetDeleteRecord{group_id, tp.topic, tp.partition});
      deleted_at.push_back(result.partitions.size());
    }
    result.partitions.push_back(ErrorCode::kNone);
  }
  if (!records.empty()) {
    Status s = co_await PersistAndWait(std::move(records));
    if (!s.ok()) {
      for (size_t i : deleted_at) result.partitions[i] = kStoreFailed;
    }
  }
  co_return result;
}

ErrorCode GroupCoordinator::ValidateTxnOffsetCommit(const Committer& committer) const {
  if (stopped_) return ErrorCode::kCoordinatorNotAvailable;
  return CheckCommitter(Find(committer.group_id), committer, true);
}

Awaitable<ErrorCode> GroupCoordinator::ApplyOffsets(std::string group_id,
                                                    std::vector<OffsetToCommit> offsets) {
  if (offsets.empty()) co_return ErrorCode::kNone;
  if (stopped_) co_return ErrorCode::kCoordinatorNotAvailable;
  Status s = co_await PersistAndWait(Commit(FindOrCreate(group_id), offsets));
  co_return s.ok() ? ErrorCode::kNone : kStoreFailed;
}

void GroupCoordinator::Replay(const format::Record& record) {
  std::visit(Overloaded{
                 [this](const format::OffsetCommitRecord& r) {
                   FindOrCreate(r.group).offsets[TopicPartition{r.topic, r.partition}] =
                       CommittedOffset{r.offset, r.leader_epoch, r.metadata.value_or(""),
                                       r.commit_timestamp_ms};
                 },
                 [this](const format::OffsetDeleteRecord& r) {
                   if (Group* group = Find(r.group))
                     group->offsets.erase(TopicPartition{r.topic, r.partition});
                 },
                 [this](const format::GroupMetadataRecord& r) { FindOrCreate(r.group).Restore(r); },
                 [this](const format::GroupDeleteRecord& r) { groups_.erase(r.group); },
             },
             record);
}

void GroupCoordinator::PersistGroup(const Group& group) { Persist({group.ToRecord()}); }

void GroupCoordinator::Persist(Records records) {
  if (!log_) return;
  log_->Append(Encode(records), [warn = options_.warn](const Status& s) {
    if (!s.ok() && warn) warn("could not write group metadata: " + s.ToString());
  });
  MaybeCompact();
}

Awaitable<Status> GroupCoordinator::PersistAndWait(Records records) {
  if (!log_) co_return Status::Unavailable("the group log is not open");
  struct Pending {
    explicit Pending(const asio::any_io_executor& executor) : event(executor) {}
    AsyncEvent event;
    Status status;
  };
  asio::any_io_executor executor = io_.get_executor();
  auto pending = std::make_shared<Pending>(executor);
  log_->Append(Encode(records), [pending, executor](const Status& s) {
    // On the log's writer thread: hand the outcome to the event loop.
    asio::post(executor, [pending, s] {
      pending->status = s;
      pending->event.Notify();
    });
  });
  MaybeCompact();
  co_await pending->event.Wait();
  co_return pending->status;
}

void GroupCoordinator::MaybeCompact() {
  const uint64_t size = log_->size();
  if (size < options_.compact_min_bytes || size < 2 * snapshot_bytes_) return;
  // Everything in memory already includes every queued append, so the snapshot is complete.
  ByteWriter w(static_cast<size_t>(snapshot_bytes_) + 4096);
  for (const auto& [id, group] : groups_) {
    format::AppendRecord(w, group->ToRecord());
    for (const auto& [tp, value] : group->offsets) {
      format::AppendRecord(w, ToRecord(id, tp, value));
    }
  }
  snapshot_bytes_ = storage::StateLog::HeaderSize(format::kMagic) + w.size();
  log_->Rewrite(w.Take(), [warn = options_.warn](const Status& s) {
    if (!s.ok() && warn) warn("could not compact the group log: " + s.ToString());
  });
}

}  // namespace kpk::broker::groups
