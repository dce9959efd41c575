// The C ABI calls that generated code makes on every send or reply, and the few that read a value's
// layout (the own pid, a list's length and elements), in a file of their own. The runtime
// library compiles it like any other; the build also compiles it to LLVM bitcode
// (fnd_runtime_inline.bc), which the LLVM back end links into a program's module as
// available_externally definitions before optimizing, so that these fast paths are inlined into
// the handlers and the calls that remain go to this library (docs/llvm-backend.md, "Runtime
// bitcode"). So everything here must reach the runtime's state only through symbols with external
// linkage: no anonymous namespace, no statics (a copy in the program would not be the runtime's).
#include "c_envelope.hpp"
#include "c_values_internal.hpp"
#include "msg_alloc_cache.hpp"

using namespace fnd;
using namespace fnd::detail;

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

void fnd_ref_post(fnd_ctx* ctx, const fnd_ref* to, const fnd_msg_class* cls, void* payload) {
  Message* m = c_envelope(cls, payload);
  // The common case: straight to the pid the ref holds (borrowed: no reference counting).
  if (ControlBlock* cb = ref_pid_cb(to)) [[likely]] post(sender_of(ctx), PidView(cb), m);
  else c_ref_post_slow(ctx, to, m);
}

fnd_status fnd_msg_reply(fnd_ctx* ctx, const fnd_msg_class* cls, void* payload) {
  return c_reply(ctx_process(ctx), c_envelope(cls, payload));
}

fnd_pid fnd_self(fnd_ctx* ctx) { return reinterpret_cast<fnd_pid>(ctx_process(ctx)->cb_); }

int64_t fnd_list_len(const fnd_list* l) { return list_len(l); }
void* fnd_list_at(const fnd_list* l, int64_t i) { return list_at_checked(l, i); }

}  // extern "C"
