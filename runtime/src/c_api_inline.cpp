// The C ABI calls that generated code makes on every send or reply, spawn or stop, and the few that
// read a value's layout (the own pid, a list's length and elements), in a file of their own. The runtime
// library compiles it like any other; the build also compiles it to LLVM bitcode
// (fnd_runtime_inline.bc), which the LLVM back end links into a program's module as
// available_externally definitions before optimizing, so that these fast paths are inlined into
// the handlers and the calls that remain go to this library (docs/llvm-backend.md, "Runtime
// bitcode"). So everything here must reach the runtime's state only through symbols with external
// linkage: no anonymous namespace, no statics (a copy in the program would not be the runtime's).
#include "c_envelope.hpp"
#include "c_spawn.hpp"
#include "c_values_internal.hpp"
#include "msg_alloc_cache.hpp"

using namespace fnd;
using namespace fnd::detail;

// The send and the reply carry the whole send fast path (post_fast.hpp): more than LLVM's inliner
// takes on its own, so the bitcode (clang) marks them always_inline; the library (g++) compiles
// them as the ordinary functions they are.
#if defined(__clang__)
#define FND_INLINE_IN_PROGRAMS __attribute__((always_inline))
#else
#define FND_INLINE_IN_PROGRAMS
#endif

extern "C" {

// The C ABI version this file was compiled for: fndc refuses bitcode whose version is not the one
// it lowers to (a stale file beside a newer library).
extern const int fnd_runtime_inline_abi = FND_ABI_VERSION;

// Every C send starts here: the fast path pops the thread's free list and needs no stack frame.
void* fnd_msg_alloc(const fnd_msg_class* cls) {
  using namespace msg_pool;
  const CTypeInfo& ci = class_info(cls);
  if (kPool && ci.cls < kClasses) [[likely]]
    if (FreeBlock* b = pop_cached(ci.cls)) [[likely]] return c_init_envelope(ci, b);
  return c_msg_alloc_slow(ci);
}

FND_INLINE_IN_PROGRAMS void fnd_ref_post(fnd_ctx* ctx, const fnd_ref* to, const fnd_msg_class* cls, void* payload) {
  Message* m = c_envelope(cls, payload);
  // The common case: straight to the pid the ref holds (borrowed: no reference counting), and to an
  // unbounded mailbox without a call (post_fast.hpp); a bounded one goes through post's policies.
  if (ControlBlock* cb = ref_pid_cb(to)) [[likely]] {
    ProcessCore* from = sender_of(ctx);
    if (!post_unbounded(from, cb, m)) [[unlikely]] post(from, PidView(cb), m);
  } else {
    c_ref_post_slow(ctx, to, m);
  }
}

FND_INLINE_IN_PROGRAMS fnd_status fnd_msg_reply(fnd_ctx* ctx, const fnd_msg_class* cls, void* payload) {
  return c_reply(ctx_process(ctx), c_envelope(cls, payload));
}

// A spawn from generated code: fnd_actor_new, the state constructed in place, fnd_actor_spawn. For
// the program's constant class the checks fold away, and a spawn without options is two calls into
// the runtime (the allocation with the constructor, then spawn_core), as a C++ back end spawn.
void* fnd_actor_new(const fnd_actor_class* cls) {
  if (!c_class_runnable(cls)) [[unlikely]] return c_actor_refuse(cls);
  return reinterpret_cast<char*>(c_actor_make(cls)) + FND_CTX_STATE_OFFSET;
}

void fnd_actor_discard(void* state) {
  if (state) c_actor_discard(c_state_process(state));
}

fnd_pid fnd_actor_spawn(fnd_ctx* ctx, void* state, const fnd_spawn_opts* opts) {
  if (!state) [[unlikely]] return nullptr;  // fnd_actor_new failed and set the error
  ProcessCore* self = ctx_process(ctx);
  if (opts) [[unlikely]] return c_actor_start(self, c_state_process(state), opts);
  if (ControlBlock* cb = spawn_core(self->node_, self, c_state_process(state), kNoSpawnOptions, false).detach())
      [[likely]]
    return reinterpret_cast<fnd_pid>(cb);
  return c_spawn_refused();
}

// Actor::stop() without a call: a C actor's only stop reason other than normal is a pending crash
// (kCrashPending), which wins over a stop in the same callback, so a stop is the flag alone.
void fnd_stop(fnd_ctx* ctx) {
  ProcessCore* p = ctx_process(ctx);
  if (!(p->flags_ & kCrashPending)) p->flags_ |= kStopRequested;
}

fnd_pid fnd_self(fnd_ctx* ctx) { return reinterpret_cast<fnd_pid>(ctx_process(ctx)->cb_); }

int64_t fnd_list_len(const fnd_list* l) { return list_len(l); }
void* fnd_list_at(const fnd_list* l, int64_t i) { return list_at_checked(l, i); }

}  // extern "C"
