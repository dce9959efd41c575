// Internal: the seam through which the distribution layer (fnd_dist) extends a node's name registry with
// the cluster's global names, so that Node::whereis, Context::whereis and a send to Ref::name find a
// process registered with DistNode::register_global on another node. Rule: local names win; the resolver
// is consulted only when the local registry has no holder (docs/runtime.md "Registry").
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "fnd/pid.hpp"

namespace fnd {
class Node;
namespace detail {

// Returns the holder of a name the local registry does not know, or the null pid. Called on the looking-up
// thread (a worker running a process, or any thread calling Node::whereis), outside the registry's lock.
using NameResolver = std::function<Pid(std::string_view name)>;

// Installs the node's resolver (replacing any). A lookup copies the shared_ptr under the registry's lock
// before calling it, so a resolver being removed is never destroyed while a lookup runs it.
void set_name_resolver(Node& node, std::shared_ptr<const NameResolver> resolver);
// Removes the node's resolver if it is still `installed` (a later one is left alone). After this returns
// no new lookup consults it; one already running keeps its own reference.
void remove_name_resolver(Node& node, const NameResolver* installed);

// The local registry only, never the resolver: for a name-addressed message that arrived from another
// node (that name is the receiving node's own), and for the resolver itself.
Pid whereis_local(const Node& node, std::string_view name);

}  // namespace detail
}  // namespace fnd
