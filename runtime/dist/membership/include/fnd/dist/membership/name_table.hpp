// Replicated state of the global name registry: registration claims per name and the rule that
// picks the holder. Pure data structure; the Membership state machine replicates it by gossip.
//
// Rule (docs/distribution.md, "Global registry"): among the live claims of a name, the holder is
// the one with the smallest (stamp, owner name, owner incarnation), where stamp is the Lamport time
// of the registration. Every node that has the same claims computes the same holder; the owner of a
// live claim that is not the holder withdraws it (tombstone) and is notified (`lost`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fnd/dist/membership/types.hpp"
#include "fnd/dist/membership/wire.hpp"

namespace fnd::dist::membership {

class NameTable {
 public:
  struct Claim {
    wire::ClaimUpdate data;
    Time removed_at{};  // for tombstone expiry
  };

  // The live claim that holds `name`, if any.
  const wire::ClaimUpdate* holder(const std::string& name) const;
  // All names that currently resolve, with their holding claim.
  std::vector<const wire::ClaimUpdate*> holders() const;

  enum class MergeResult { ignored, added, removed };
  // Merges one claim (new claim or tombstone). Removal is final for a claim.
  MergeResult merge(const wire::ClaimUpdate& c, Time now);
  // Drops every claim of (owner, incarnation), e.g. because that node went down. Returns the names
  // whose claims were dropped.
  std::vector<std::string> drop_owner(const std::string& owner, std::uint64_t incarnation);
  // Drops tombstones removed before `cutoff`.
  void expire(Time cutoff);

  // Every claim (live and tombstones), for full-state sync.
  std::vector<wire::ClaimUpdate> all() const;
  // Live claims owned by (owner, incarnation).
  std::vector<wire::ClaimUpdate> live_of(const std::string& owner, std::uint64_t incarnation) const;
  const wire::ClaimUpdate* find(const wire::ClaimUpdate& key) const;

  static bool precedes(const wire::ClaimUpdate& a, const wire::ClaimUpdate& b);

 private:
  static bool same_claim(const wire::ClaimUpdate& a, const wire::ClaimUpdate& b);
  std::map<std::string, std::vector<Claim>> by_name_;
};

}  // namespace fnd::dist::membership
