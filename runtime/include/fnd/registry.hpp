// The node's name registry (Erlang's register/whereis). Registration is node-local: a name has at most one
// holder on this node; registering a taken name fails with errc::name_taken naming the holder; a process's
// names are unregistered automatically when it dies. A process may hold several names (a named supervisor
// that is itself a child is registered under its own name and as "<parent>.<child_id>"). Lookups are
// cluster-wide while a DistNode with membership is attached: a name with no local holder is looked up
// among the cluster's global names (local names win; fnd/detail/name_resolver.hpp, docs/distribution.md
// "Global names"). The calls are members of fnd::Node and fnd::Context:
//   Result<void> register_name(std::string name, const Pid& pid)
//   Pid          whereis(std::string_view name)            // null pid if none, here or in the cluster
//   bool         unregister_name(std::string_view name)
#pragma once

#include "fnd/error.hpp"
#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
