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

// How a pool starts one child: spawns it from `spawner` with `opts` (which link it to the pool's
// supervisor); the spawn site binds the arguments.
using PoolStart = std::function<fnd::Pid(fnd::Context& spawner, fnd::SpawnOptions opts)>;

// The template child of a pool (its id is empty: pool children are not registered by name).
fnd::ChildSpec pool_template(fnd::Restart restart);
// Records that the running instance of pool supervisor `decl` is registered as `instance`
// (a pool declared once is instantiated once; the last instance started wins).
void register_pool(std::string_view decl, std::string instance);
// spawn pool(args): starts a child of the pool's current instance and returns its ref at once,
// without blocking the calling actor: the child is spawned right away, linked to the pool's
// supervisor, which adopts it as its child asynchronously (a helper fiber makes the
// start_child call); restarts spawn new incarnations through the same PoolStart. If the first
// incarnation dies before the supervisor adopted it, the supervisor starts a fresh one instead.
// Crashes the caller if the pool is not running.
fnd::Ref pool_spawn(Actor& self, std::string_view decl, PoolStart start);

}  // namespace fnd::lang
