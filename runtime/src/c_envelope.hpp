// C message envelopes and the few C ABI helpers that both c_api.cpp and c_api_inline.cpp need. A C
// type's TypeInfo is a CTypeInfo (its fnd_msg_class), which carries the envelope's geometry; the
// payload follows the 40-byte header at the type's alignment (FND_MSG_HEADER in fnd/runtime.h).
#pragma once

#include <cstddef>
#include <new>

#include "fnd/actor.hpp"
#include "fnd/message.hpp"
#include "fnd/runtime.h"
#include "post_fast.hpp"

struct fnd_ref;

namespace fnd::detail {

struct CMessage : Message {};

// A C type's TypeInfo with its envelope geometry worked out once (every send and receive needs it).
struct CTypeInfo : TypeInfo {
  size_t header;  // payload offset
  size_t total;   // envelope bytes
  size_t cls;     // pooled size class (>= 32: not pooled)
  void (*value_destroy)(void*);  // c_type->destroy, one load nearer
};

[[gnu::always_inline]] inline const CTypeInfo& c_info(const Message* m) {
  return *static_cast<const CTypeInfo*>(m->type_);
}
// Envelopes built in place (fnd_msg_alloc): the class is the type's CTypeInfo, the payload sits at
// its header offset.
[[gnu::always_inline]] inline const CTypeInfo& class_info(const fnd_msg_class* c) {
  return *reinterpret_cast<const CTypeInfo*>(c);
}
[[gnu::always_inline]] inline Message* c_envelope(const fnd_msg_class* c, void* payload) {
  return reinterpret_cast<Message*>(static_cast<char*>(payload) - class_info(c).header);
}
// Constructs the header in `mem` and returns the payload's address.
[[gnu::always_inline]] inline void* c_init_envelope(const CTypeInfo& ci, void* mem) {
  auto* m = new (mem) CMessage();
  m->type_ = &ci;
  return static_cast<char*>(mem) + ci.header;
}

// The actor a callback's ctx stands for (a C actor is an Actor at the same address).
[[gnu::always_inline]] inline ProcessCore* ctx_process(fnd_ctx* ctx) {
  return static_cast<ProcessCore*>(reinterpret_cast<Actor*>(ctx));
}

// The process a C call acts for: the actor whose callback runs, else the process running on this
// thread (none outside processes).
[[gnu::always_inline]] inline ProcessCore* sender_of(fnd_ctx* ctx) {
  return ctx ? ctx_process(ctx) : current_process();
}

// A borrowed handle as a Pid for the duration of a call that does not keep it (a send): no
// reference-count traffic on the target's control block, a cache line its own thread writes.
class PidView {
 public:
  explicit PidView(fnd_pid p) noexcept : pid_(Pid::adopt(reinterpret_cast<ControlBlock*>(p))) {}
  explicit PidView(ControlBlock* cb) noexcept : pid_(Pid::adopt(cb)) {}
  ~PidView() { (void)pid_.detach(); }
  PidView(const PidView&) = delete;
  PidView& operator=(const PidView&) = delete;
  operator const Pid&() const noexcept { return pid_; }  // NOLINT: stands for the Pid

 private:
  Pid pid_;
};

// The slow paths of fnd_msg_alloc, fnd_ref_post and fnd_msg_reply (c_api.cpp): out of line and with
// external linkage, so that the inlined fast paths call the runtime's own (c_api_inline.cpp).
void* c_msg_alloc_slow(const CTypeInfo& ci);
void c_ref_post_slow(fnd_ctx* ctx, const fnd_ref* to, Message* m);
fnd_status c_reply_nobody(Message* m);

// A reply from `from` to the sender of the message it is handling (with that message's request id,
// if it was a request); dropped, with FND_ERR_NOPROC, when there is no sender.
[[gnu::always_inline]] inline fnd_status c_reply(ProcessCore* from, Message* m) {
  const Message* cur = from->current_;
  if (!cur || !cur->sender_) [[unlikely]] return c_reply_nobody(m);
  if (cur->flags_ & Message::kRequest) [[unlikely]] {
    reply_to(from, cur->sender_, cur->corr_, m);
    return FND_OK;
  }
  // reply_to without a request id: post_nowait, whose fast path is post's (post_fast.hpp)
  if (!post_unbounded(from, cur->sender_.control_block(), m)) [[unlikely]] reply_to(from, cur->sender_, 0, m);
  return FND_OK;
}

}  // namespace fnd::detail
