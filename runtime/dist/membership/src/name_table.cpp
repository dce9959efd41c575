#include "fnd/dist/membership/name_table.hpp"

#include <algorithm>
#include <tuple>

namespace fnd::dist::membership {

bool NameTable::precedes(const wire::ClaimUpdate& a, const wire::ClaimUpdate& b) {
  return std::tie(a.stamp, a.owner_name, a.owner_incarnation) <
         std::tie(b.stamp, b.owner_name, b.owner_incarnation);
}

bool NameTable::same_claim(const wire::ClaimUpdate& a, const wire::ClaimUpdate& b) {
  return a.name == b.name && a.owner_name == b.owner_name && a.owner_incarnation == b.owner_incarnation &&
         a.stamp == b.stamp;
}

const wire::ClaimUpdate* NameTable::holder(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return nullptr;
  const wire::ClaimUpdate* best = nullptr;
  for (const auto& c : it->second)
    if (!c.data.removed && (!best || precedes(c.data, *best))) best = &c.data;
  return best;
}

std::vector<const wire::ClaimUpdate*> NameTable::holders() const {
  std::vector<const wire::ClaimUpdate*> out;
  for (const auto& [name, claims] : by_name_)
    if (auto* h = holder(name)) out.push_back(h);
  return out;
}

const wire::ClaimUpdate* NameTable::find(const wire::ClaimUpdate& key) const {
  auto it = by_name_.find(key.name);
  if (it == by_name_.end()) return nullptr;
  for (const auto& c : it->second)
    if (same_claim(c.data, key)) return &c.data;
  return nullptr;
}

NameTable::MergeResult NameTable::merge(const wire::ClaimUpdate& c, Time now) {
  auto& claims = by_name_[c.name];
  for (auto& existing : claims) {
    if (!same_claim(existing.data, c)) continue;
    if (c.removed && !existing.data.removed) {
      existing.data.removed = true;
      existing.removed_at = now;
      return MergeResult::removed;
    }
    return MergeResult::ignored;
  }
  claims.push_back(Claim{c, now});
  return c.removed ? MergeResult::removed : MergeResult::added;
}

std::vector<std::string> NameTable::drop_owner(const std::string& owner, std::uint64_t incarnation) {
  std::vector<std::string> names;
  for (auto it = by_name_.begin(); it != by_name_.end();) {
    auto& claims = it->second;
    auto gone = std::remove_if(claims.begin(), claims.end(), [&](const Claim& c) {
      return c.data.owner_name == owner && c.data.owner_incarnation == incarnation;
    });
    if (gone != claims.end()) {
      names.push_back(it->first);
      claims.erase(gone, claims.end());
    }
    it = claims.empty() ? by_name_.erase(it) : std::next(it);
  }
  return names;
}

void NameTable::expire(Time cutoff) {
  for (auto it = by_name_.begin(); it != by_name_.end();) {
    auto& claims = it->second;
    claims.erase(std::remove_if(claims.begin(), claims.end(),
                                [&](const Claim& c) { return c.data.removed && c.removed_at < cutoff; }),
                 claims.end());
    it = claims.empty() ? by_name_.erase(it) : std::next(it);
  }
}

std::vector<wire::ClaimUpdate> NameTable::all() const {
  std::vector<wire::ClaimUpdate> out;
  for (const auto& [name, claims] : by_name_)
    for (const auto& c : claims) out.push_back(c.data);
  return out;
}

std::vector<wire::ClaimUpdate> NameTable::live_of(const std::string& owner, std::uint64_t incarnation) const {
  std::vector<wire::ClaimUpdate> out;
  for (const auto& [name, claims] : by_name_)
    for (const auto& c : claims)
      if (!c.data.removed && c.data.owner_name == owner && c.data.owner_incarnation == incarnation)
        out.push_back(c.data);
  return out;
}

}  // namespace fnd::dist::membership
