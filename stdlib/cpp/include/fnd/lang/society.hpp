// Societies: a group of actors in roles (`gateway: Ingester x 5`) with a topology, started under a
// generated one_for_one supervisor (fault_tolerance: self_healing; members are permanent) or with
// members that are not restarted (fault_tolerance: none; temporary).
//
// Every member is a child of the society's supervisor with the id "<role>.<i>", so it is registered
// as "<society>.<role>.<i>" and its Ref is a name: it reaches the member's current incarnation, and
// broadcast, publish and neighbors() keep working across restarts. Member order (used by topologies,
// broadcast and publish) is the roles in declaration order, each member 0..count-1.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fnd/ref.hpp>
#include <fnd/society.hpp>
#include <fnd/society_topology.hpp>
#include <fnd/supervisor.hpp>

#include "fnd/lang/list.hpp"

namespace fnd::lang {

using Topology = fnd::SocietyTopology;  // mesh, tree, ring, star, pub_sub

struct RoleSpec {
  std::string name;
  std::int64_t count = 1;
  // Spawns one member (linked to the society's supervisor): ctx.spawn_opt<A>(...).
  std::function<fnd::Result<fnd::Pid>(fnd::ChildContext&)> start;
};

struct SocietySpec {
  std::string name;  // registered name of the society's supervisor; prefixes member names
  Topology topology = Topology::mesh;
  bool self_healing = true;
  std::uint32_t intensity = 1;
  std::chrono::milliseconds period{5000};
  std::vector<RoleSpec> roles;
};

// Shared by the members of one running society: the runtime's fnd::Society (fnd/society.hpp), the
// same object the C ABI's societies use, so a program built by --target=llvm whose extern actor is a
// member shares one state with the generated members.
using SocietyState = fnd::Society;
using Membership = fnd::SocietyMembership;  // null society: not a society member

// The supervisor spec of a society (start it with fnd::start_supervisor, or nest it in a
// supervisor with society_child).
fnd::SupervisorSpec society_supervisor(const SocietySpec& spec);
// The refs of a role's members, from outside the members (e.g. in member arguments).
List<fnd::Ref> role_refs(std::string_view society, std::string_view role, std::int64_t count);
// A society as a child of a supervisor whose registered name is `parent`.
fnd::ChildSpec society_child(const std::string& parent, std::string id, SocietySpec spec);

}  // namespace fnd::lang
