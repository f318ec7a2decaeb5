#include "broker/groups/group.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "broker/protocol/generated/consumer_protocol_subscription.h"

namespace kpk::broker::groups {
namespace {

constexpr std::array<std::pair<GroupState, std::string_view>, 5> kStateNames = {{
    {GroupState::kEmpty, "Empty"},
    {GroupState::kPreparingRebalance, "PreparingRebalance"},
    {GroupState::kCompletingRebalance, "CompletingRebalance"},
    {GroupState::kStable, "Stable"},
    {GroupState::kDead, "Dead"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Topics named in consumer protocol subscription metadata; nullopt if it does not parse.
std::optional<std::vector<std::string>> ParseSubscription(const Bytes& metadata) {
  ByteReader r(metadata);
  const int16_t version = r.ReadInt16();
  if (!r.ok() || version < 0) return std::nullopt;
  // Newer versions only append fields, so the highest version we know reads their prefix.
  const int16_t known =
      std::min<int16_t>(version, protocol::ConsumerProtocolSubscription::kMaxVersion);
  protocol::ConsumerProtocolSubscription subscription;
  if (!subscription.Decode(r, known)) return std::nullopt;
  return subscription.topics;
}

}  // namespace

std::string_view GroupStateName(GroupState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "Unknown";
}

std::optional<GroupState> ParseGroupState(std::string_view name) {
  for (const auto& [state, n] : kStateNames) {
    if (EqualsIgnoreCase(n, name)) return state;
  }
  return std::nullopt;
}

const Bytes* Member::MetadataFor(std::string_view protocol) const {
  for (const Protocol& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

bool Group::SupportsProtocols(std::string_view type, const std::vector<Protocol>& protocols) const {
  if (type.empty() || protocols.empty()) return false;
  if (members.empty()) return true;
  if (type != protocol_type) return false;
  for (const Protocol& candidate : protocols) {
    const bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& entry) {
      return entry.second.MetadataFor(candidate.name) != nullptr;
    });
    if (everyone) return true;
  }
  return false;
}

std::string Group::SelectProtocol() const {
  if (members.empty()) return "";
  // Candidates in the leader's (or any member's) order of preference, for tie-breaking.
  auto leader_it = members.find(leader);
  const Member& reference =
      leader_it != members.end() ? leader_it->second : members.begin()->second;
  std::vector<std::string> candidates;
  for (const Protocol& p : reference.protocols) {
    const bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& entry) {
      return entry.second.MetadataFor(p.name) != nullptr;
    });
    if (everyone) candidates.push_back(p.name);
  }
  if (candidates.empty()) return "";
  std::map<std::string, int> votes;
  for (const auto& [id, member] : members) {
    for (const Protocol& p : member.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const std::string& c : candidates) {
    if (votes[c] > votes[best]) best = c;
  }
  return best;
}

bool Group::AllMembersJoined() const {
  if (!pending_members.empty()) return false;
  return std::all_of(members.begin(), members.end(),
                     [](const auto& entry) { return entry.second.join != nullptr; });
}

int32_t Group::MaxRebalanceTimeoutMs() const {
  int32_t timeout = 0;
  for (const auto& [id, member] : members) timeout = std::max(timeout, member.rebalance_timeout_ms);
  return timeout;
}

std::optional<std::set<std::string>> Group::SubscribedTopics() const {
  if (protocol_type != "consumer") return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [id, member] : members) {
    const Bytes* metadata = nullptr;
    if (protocol_name) metadata = member.MetadataFor(*protocol_name);
    if (!metadata && !member.protocols.empty()) metadata = &member.protocols.front().metadata;
    if (!metadata) return std::nullopt;
    auto parsed = ParseSubscription(*metadata);
    if (!parsed) return std::nullopt;
    topics.insert(parsed->begin(), parsed->end());
  }
  return topics;
}

Member* Group::FindMember(const std::string& member_id) {
  auto it = members.find(member_id);
  return it == members.end() ? nullptr : &it->second;
}

const std::string* Group::StaticMemberId(const std::string& instance_id) const {
  auto it = static_members.find(instance_id);
  return it == static_members.end() ? nullptr : &it->second;
}

format::GroupMetadataRecord Group::ToRecord() const {
  format::GroupMetadataRecord r;
  r.group = id_;
  r.protocol_type = protocol_type;
  r.protocol_name = protocol_name;
  r.generation = generation;
  r.leader = leader;
  for (const auto& [id, member] : members) {
    format::MemberRecord& m = r.members.emplace_back();
    m.member_id = id;
    m.instance_id = member.instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    m.session_timeout_ms = member.session_timeout_ms;
    m.rebalance_timeout_ms = member.rebalance_timeout_ms;
    if (const Bytes* metadata = protocol_name ? member.MetadataFor(*protocol_name) : nullptr)
      m.metadata = *metadata;
    m.assignment = member.assignment;
  }
  return r;
}

void Group::Restore(const format::GroupMetadataRecord& record) {
  // Members are not brought back: their sessions did not survive the restart, and waiting out
  // their session timeouts would only delay the next join. Clients that are still running
  // get UNKNOWN_MEMBER_ID and rejoin.
  state = GroupState::kEmpty;
  generation = record.generation;
  protocol_type = record.protocol_type;
  protocol_name = record.protocol_name;
  leader.clear();
  members.clear();
  static_members.clear();
}

}  // namespace kpk::broker::groups
