// Parameters of membership and failure detection, with the formulas derived from them.
// The defaults detect a killed node in under 3 s (worst case for clusters of up to 10 nodes;
// about 1.2 s expected at any size): see docs/distribution.md, "Membership and failure detection".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fnd/dist/membership/types.hpp"

namespace fnd::dist::membership {

using namespace std::chrono_literals;

struct Config {
  // Length of a protocol period: each node probes one member per period (round robin over its own
  // random permutation of the members).
  Duration probe_interval = 200ms;
  // How long to wait for the direct ack before asking `indirect_probes` others to probe. The rest of
  // the period is left for the indirect probes; a probe with no ack by the end of it makes the
  // target suspect.
  Duration probe_timeout = 80ms;
  // k: members asked to probe the target on our behalf when the direct probe times out.
  std::uint32_t indirect_probes = 3;
  // Suspicion timeout S(n) = suspicion_mult * max(1, log10(n)) * probe_interval (n = live members
  // including this node): time a suspect has to refute before it is declared down.
  std::uint32_t suspicion_mult = 4;
  // Each update is piggybacked retransmit_mult * ceil(log10(n + 1)) times.
  std::uint32_t retransmit_mult = 4;
  // Updates that probes have not carried yet go out every gossip_interval to gossip_fanout members.
  Duration gossip_interval = 100ms;
  std::uint32_t gossip_fanout = 3;
  // Lifeguard's local health: a node whose own probes fail without the helpers' nacks (or that has to
  // refute suspicions of itself) is probably the slow one; it stretches its probe interval and
  // timeout by (h + 1), with its health score h in [0, awareness_max - 1]. 1 disables it.
  std::uint32_t awareness_max = 8;
  // A node refuting a suspicion of itself sends its new version directly to this many random live
  // members (all of them in clusters up to this size), besides gossiping it.
  std::uint32_t refute_fanout = 32;
  // Anti-entropy: every sync_interval, a full-state exchange (push-pull) with one random live
  // member and one random member we hold down (that is how a healed partition is found again).
  Duration sync_interval = 2s;
  // Until a seed or member answers, the join is resent every join_retry_interval.
  Duration join_retry_interval = 500ms;
  // Down and left members are remembered this long (so stale gossip cannot resurrect them), then
  // forgotten. Registry tombstones are kept as long.
  Duration down_retention = 30s;
  // Upper bound of one encoded datagram (header + body + piggybacked updates).
  std::size_t max_datagram_bytes = 1400;

  // nullopt if usable, else a sentence naming the bad value.
  std::optional<std::string> validate() const;

  Duration suspicion_timeout(std::size_t live_members) const;
  std::uint32_t retransmit_limit(std::size_t live_members) const;
  // Worst-case time from a node's death to its first "down" at some member, for a stable cluster of
  // n nodes: the victim is probed by each member once every n - 1 periods (fixed permutation), so
  // the last successful probe was at most (n - 1) * T before the death; the next probe fails at the
  // end of its period (T), then the suspicion runs S(n):  (n - 1) * T + T + S(n) = n * T + S(n).
  Duration worst_case_detection(std::size_t n) const;
};

}  // namespace fnd::dist::membership
