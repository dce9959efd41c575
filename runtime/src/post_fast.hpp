// The send to an unbounded mailbox, the common case of every send: shared by the runtime's post
// (process.cpp) and the C ABI's fnd_ref_post (c_api_inline.cpp), which the LLVM back end inlines into
// generated handlers from bitcode. So everything here reaches the runtime only through symbols with
// external linkage; the rare cases are calls into process.cpp.
#pragma once

#include <atomic>
#include <cstdint>

#include "fnd/detail/control_block.hpp"
#include "fnd/detail/process_core.hpp"
#include "fnd/message.hpp"
#include "fnd/request_context.hpp"

namespace fnd::detail {

enum class Push { ok, woke, closed };
constexpr InboxWord kInboxOne = InboxWord{1} << kInboxCountShift;
constexpr InboxWord kInboxFull = kInboxCountMax << kInboxCountShift;

// Everything but the common case: a bounded mailbox, a full count, a closed inbox, a lost race, an
// envelope the word cannot hold (process.cpp).
Push push_slow(ControlBlock* cb, Message* m, InboxWord h) noexcept;

// A send to an unbounded mailbox counts itself in head with the CAS that pushes it.
[[gnu::always_inline]] inline Push push(ControlBlock* cb, Message* m) noexcept {
  const auto addr = reinterpret_cast<InboxWord>(m);
  InboxWord h = cb->head.load(std::memory_order_acquire);
  const InboxWord count = h & ~kInboxPointerMask;
  if (!cb->bounded && h != kInboxClosed && count != kInboxFull && !(addr & ~kInboxPointerMask)) [[likely]] {
    m->next_ = inbox_message(h);
    if (cb->head.compare_exchange_weak(h, addr | (count + kInboxOne), std::memory_order_acq_rel,
                                       std::memory_order_acquire)) [[likely]]
      return h == kInboxBlocked ? Push::woke : Push::ok;
  }
  return push_slow(cb, m, h);
}

// The sender field is a counted reference to the sender's control block. A process takes those
// references from its own credit, refilled 64 at a time, so a sending loop does not do one atomic
// increment per message on a line the receivers' releases also write.
constexpr uint32_t kCredit = 64;
[[gnu::always_inline]] inline void set_sender(ProcessCore* from, Message* m) {
  if (!from || m->sender_) return;
  ControlBlock* cb = from->cb_;
  if (from->credits_ == 0) [[unlikely]] {
    cb->refs.fetch_add(kCredit, std::memory_order_relaxed);
    from->credits_ = kCredit;
  }
  --from->credits_;
  m->sender_ = Pid::adopt(cb);
}

// A data message takes the request context in effect (docs/runtime.md "Request context"): the
// sending process's, or for sends from outside processes the thread's ContextScope. One branch when
// none is set.
[[gnu::always_inline]] inline void attach_context(ProcessCore* from, Message* m) noexcept {
  ContextData* c = from ? from->ctx_ : ambient_context();
  if (c && !m->ctx_ && m->sys_ == Sys::none) [[unlikely]] {
    retain_context(c);
    m->ctx_ = c;
  }
}

// A handler that sends a lot in one turn (a producer loop) must not keep the process it woke parked
// in its worker's run-next slot (not stealable): every 256 sends the slot is spilled to the deque,
// where an idle worker can steal it.
extern constinit thread_local uint32_t t_sends;
void spill_run_next_now();  // the current worker's run-next slot to its deque
[[gnu::always_inline]] inline void spill_check() {
  if ((++t_sends & 255) == 0) [[unlikely]] spill_run_next_now();
}

void wake(ControlBlock* cb);                     // schedules the process a push woke
bool deliver_closed(ControlBlock* cb, Message* m);  // a remote pid's proxy, or a dead process

// Delivers without any bounded-mailbox policy. Returns false if the process is dead.
[[gnu::always_inline]] inline bool deliver_to(ControlBlock* cb, Message* m) {
  switch (push(cb, m)) {
    case Push::ok: return true;
    case Push::woke: wake(cb); return true;
    case Push::closed: return deliver_closed(cb, m);
  }
  return false;
}

// post() to an unbounded mailbox; false (nothing done) for a bounded one or the null pid.
[[gnu::always_inline]] inline bool post_unbounded(ProcessCore* from, ControlBlock* cb, Message* m) {
  if (!cb || cb->bounded) [[unlikely]] return false;
  if (from) {
    set_sender(from, m);
    spill_check();
  }
  attach_context(from, m);
  (void)deliver_to(cb, m);
  return true;
}

}  // namespace fnd::detail
