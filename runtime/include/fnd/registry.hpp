// The node-local name registry (Erlang's register/whereis). A name has at most one holder; registering a
// taken name fails with errc::name_taken naming the holder; a process's names are unregistered
// automatically when it dies. A process may hold several names (a named supervisor that is itself a
// child is registered under its own name and as "<parent>.<child_id>"). The calls are members of fnd::Node and fnd::Context:
//   Result<void> register_name(std::string name, const Pid& pid)
//   Pid          whereis(std::string_view name)            // null pid if none
//   bool         unregister_name(std::string_view name)
#pragma once

#include "fnd/error.hpp"
#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
