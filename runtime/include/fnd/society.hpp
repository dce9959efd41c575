// fnd::Society: the shared state of one running society (docs/language.md section 11), for both back
// ends. The C++ back end's societies (fnd::lang, stdlib/cpp/src/society.cpp) and the C ABI's
// (runtime/src/c_society.cpp, used by the LLVM back end) build this same object, so every member of
// a society sees one member list and one subscription table, whatever it is written in: in a program
// built by --target=llvm a generated (C) member and an extern C++ member (a fnd::lang::Actor) publish
// to and subscribe with each other.
//
// A member learns its society when it is constructed: the member's start function announces the
// membership (set_pending_society_membership) just before it constructs the actor on the same
// thread, and the actor's base class (fnd::lang::Actor, or the C ABI's actor) takes it.
//
// In a cluster (docs/language.md section 16) every node has its own Society object per society; the
// subscriptions that members on other nodes made are kept apart (fnd/society_remote.hpp) and
// subscribers() merges them in member order.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
#include "fnd/society_topology.hpp"

namespace fnd {

class Society {
 public:
  struct Role {
    std::string name;
    std::size_t first = 0, count = 0;  // member indices first .. first+count-1
  };

  // `name` is the society supervisor's registered name; it prefixes the members' names.
  Society(std::string name, SocietyTopology topology);

  const std::string& name() const noexcept { return name_; }
  SocietyTopology topology() const noexcept { return topology_; }

  // Appends a role's members "<name>.<role>.0" .. "<name>.<role>.<count-1>" (before the society runs:
  // the member list is read without a lock afterwards).
  void add_role(const std::string& role, std::size_t count);

  const Role* find_role(std::string_view role) const;
  // Every member's name ref (reaching its current incarnation), in member order.
  const std::vector<Ref>& members() const noexcept { return members_; }
  // A role's members in order; empty if the society has no such role.
  std::vector<Ref> role_members(std::string_view role) const;
  // The neighbours of member `index` in the topology (fnd/society_topology.hpp).
  std::vector<Ref> neighbors(std::size_t index) const;

  // subscribe: the incarnation `self` of member `index` receives what is published on `topic` until
  // it exits. A restarted member is a new process and subscribes again. Tells the cluster layer, if
  // one listens (fnd/society_remote.hpp), so that publishers on other nodes reach it too.
  void subscribe(std::size_t index, const Pid& self, std::string_view topic);
  // publish: the processes to send to, in member order: this node's live subscribers and the
  // subscribers on other nodes that the cluster layer was told of.
  std::vector<Pid> subscribers(std::string_view topic) const;

 private:
  std::string name_;
  SocietyTopology topology_;
  std::vector<Role> roles_;
  std::vector<Ref> members_;  // name refs, in member order

  mutable std::mutex mu_;
  // topic -> member index -> the incarnation that subscribed (the old incarnation's pid of a
  // restarted member only reaches a dead process)
  std::map<std::string, std::map<std::size_t, Pid>, std::less<>> subscribers_;
};

// A member's place in its society (null society: not a member).
struct SocietyMembership {
  std::shared_ptr<Society> society;
  std::size_t index = 0;
};

// The membership of the actor about to be constructed on this thread (see above). take_ returns it
// once and clears it; a start function clears it again after the start, in case the start failed
// before constructing the actor.
void set_pending_society_membership(SocietyMembership m) noexcept;
SocietyMembership take_pending_society_membership() noexcept;

}  // namespace fnd
