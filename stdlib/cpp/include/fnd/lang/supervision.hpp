// Supervision helpers for generated code: child names, nested supervisors and pools
// (simple_one_for_one supervisors that `spawn pool(...)` adds children to).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <fnd/ref.hpp>
#include <fnd/supervisor.hpp>

namespace fnd::lang {

class Actor;

// "<parent>.<id>": the registered name of a named supervisor's child.
std::string child_name(std::string_view parent, std::string_view id);

// A supervisor child of the supervisor registered as `parent`; `spec.name` is set to its child name.
fnd::ChildSpec supervisor_child(const std::string& parent, std::string id, fnd::SupervisorSpec spec);

// How a pool starts one child: the spawn site binds the arguments.
using PoolStart = std::function<fnd::Result<fnd::Pid>(fnd::ChildContext&)>;

// The template child of a pool: starts what the PoolStart given to start_child says.
fnd::ChildSpec pool_template(std::string id, fnd::Restart restart);
// Records that the running instance of pool supervisor `decl` is registered as `instance`
// (a pool declared once is instantiated once; the last instance started wins).
void register_pool(std::string_view decl, std::string instance);
// spawn pool(args): starts a child of the pool's current instance; crashes the caller if the pool is
// not running or the child fails to start.
fnd::Ref pool_spawn(Actor& self, std::string_view decl, PoolStart start);

}  // namespace fnd::lang
