// The C spawn in two steps for compilers (fnd_actor_new, fnd_actor_spawn): their fast paths live in
// c_api_inline.cpp, inlined into generated code (for a constant class the checks fold away), and
// call the parts below, which c_api.cpp defines beside the C actor.
#pragma once

#include <cstddef>

#include "fnd/detail/process_core.hpp"
#include "fnd/runtime.h"
#include "fnd/spawn.hpp"

namespace fnd::detail {

// Whether the runtime can run actors of class `cls` (the checks fnd_spawn makes).
[[gnu::always_inline]] inline bool c_class_runnable(const fnd_actor_class* cls) {
  return cls && (cls->message || cls->message_data) && cls->state_align <= alignof(std::max_align_t);
}
// A C actor of a runnable class, allocated and constructed but for its state, not yet running.
ProcessCore* c_actor_make(const fnd_actor_class* cls);
// Sets the error for a class that is not runnable; returns NULL.
void* c_actor_refuse(const fnd_actor_class* cls);
// Starts `child` (from c_actor_make, its state constructed) from `parent` with options: the path
// that is not inlined. NULL with the error set when the spawn fails (the child is destroyed).
fnd_pid c_actor_start(ProcessCore* parent, ProcessCore* child, const fnd_spawn_opts* opts);
// Frees a C actor from c_actor_make that never ran, without the class's destroy callback.
void c_actor_discard(ProcessCore* p);
// Sets the error of a spawn that spawn_core refused; returns NULL.
fnd_pid c_spawn_refused();
// Spawn options that say nothing: the common spawn builds none.
extern const SpawnOptions kNoSpawnOptions;

// The process whose state is at `state` (FND_CTX_STATE_OFFSET of the C ABI).
[[gnu::always_inline]] inline ProcessCore* c_state_process(void* state) {
  return reinterpret_cast<ProcessCore*>(static_cast<char*>(state) - FND_CTX_STATE_OFFSET);
}

}  // namespace fnd::detail
