// Value types shared by the membership state machine, its wire codec and its subscribers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fnd::dist::membership {

// Time is supplied by the caller on every call (monotonic, arbitrary epoch): the state machine never
// reads a clock, so tests drive it in simulated time.
using Time = std::chrono::nanoseconds;
using Duration = std::chrono::nanoseconds;

// A node's identity. `incarnation` is chosen at each start and must grow across restarts of the same
// name (e.g. the start time in ns): a node returning with a higher incarnation is a new node.
struct NodeId {
  std::string name;
  std::string address;
  std::uint64_t incarnation = 0;

  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// SWIM states. The order matters: at equal `version`, a later state overrides an earlier one.
enum class MemberStatus : std::uint8_t { alive = 0, suspect = 1, down = 2, left = 3 };

const char* to_string(MemberStatus s);

// One member as this node sees it. `version` is SWIM's "incarnation number" (renamed to keep
// `incarnation` for the node's start identity): only the member itself raises it, to refute a
// suspicion or to announce that it leaves.
struct Member {
  NodeId id;
  MemberStatus status = MemberStatus::alive;
  std::uint64_t version = 0;

  friend bool operator==(const Member&, const Member&) = default;
};

enum class EventKind : std::uint8_t {
  up,       // a node (name, incarnation) became reachable (first seen, or back after a partition)
  suspect,  // a probe failed; the node has a suspicion timeout to refute it
  alive,    // the node refuted a suspicion (it stays up; no down was reported)
  down,     // declared failed (suspicion timed out, or replaced by a newer incarnation)
  left,     // left gracefully
};

const char* to_string(EventKind k);

struct MembershipEvent {
  EventKind kind;
  NodeId node;
  std::uint64_t version = 0;
};

// A global name as the registry resolves it.
struct RegisteredName {
  std::string name;
  NodeId node;
  std::uint64_t pid_id = 0;

  friend bool operator==(const RegisteredName&, const RegisteredName&) = default;
};

enum class RegistryEventKind : std::uint8_t {
  registered,    // `name` now resolves to `holder` (new name, or a new winner after a conflict)
  unregistered,  // `name` no longer resolves (`holder` is the former holder)
  lost,          // on the loser's node only: our registration of `name` (pid `lost_pid_id`)
                 // lost a conflict against `holder` and was removed
};

struct RegistryEvent {
  RegistryEventKind kind;
  RegisteredName holder;
  std::uint64_t lost_pid_id = 0;
};

}  // namespace fnd::dist::membership
