// Internal: the small ref-counted block a Pid points to. It outlives the process (which is freed at
// death) for as long as any Pid references it. It holds the mailbox's inbox head, which doubles as the
// process's scheduling state (see runtime/src/mailbox.hpp), so that a send to a dead process only ever
// touches this block and never freed memory.
#pragma once

#include <atomic>
#include <cstdint>

namespace fnd {
class Message;
namespace detail {

class ProcessCore;
struct BoundedState;

// ControlBlock::head is one word: the inbox (a LIFO stack of messages) and the scheduling state.
//   bits 0..47   the newest message, or a state: kInboxEmpty (empty; scheduled or running),
//                kInboxBlocked (idle, not scheduled) or kInboxClosed (dead)
//   bits 48..63  how many messages the stack holds that `depth` does not count yet (unbounded
//                mailboxes; 0 for bounded ones): Node::mailbox_depth adds it to `depth`, so that a send
//                to an unbounded mailbox is one CAS, with no separate atomic add. A sender that finds
//                it at kInboxCountMax moves that much to `depth` and restarts it at 1.
// Envelopes live below 2^48 (user space on x86-64 and AArch64 Linux); push() checks.
using InboxWord = uintptr_t;
constexpr InboxWord kInboxEmpty = 0;
constexpr InboxWord kInboxBlocked = 1;
constexpr InboxWord kInboxClosed = 2;
constexpr unsigned kInboxCountShift = 48;
constexpr InboxWord kInboxCountMax = 0xFFFF;
constexpr InboxWord kInboxPointerMask = (InboxWord{1} << kInboxCountShift) - 1;
inline Message* inbox_message(InboxWord w) noexcept {  // the newest message, or null for a state
  w &= kInboxPointerMask;
  return w > kInboxClosed ? reinterpret_cast<Message*>(w) : nullptr;
}
inline InboxWord inbox_count(InboxWord w) noexcept { return w >> kInboxCountShift; }

struct ControlBlock {
  std::atomic<uint32_t> refs{1};
  uint32_t node = 0;                     // node part of the pid (0 = local)
  uint64_t id = 0;                       // unique per node, never reused
  std::atomic<InboxWord> head{kInboxEmpty};  // LIFO inbox + state + count (above)
  // Messages queued (observable). Bounded mailboxes: every send adds to it (their policies read it).
  // Unbounded: the receiver adds the count it takes from head (and a sender a full count). Right
  // after head: at offsets 16..27 they share a cache line wherever the allocator puts the block
  // (16-byte aligned).
  std::atomic<uint32_t> depth{0};
  std::atomic<uint32_t> flags{0};        // kCbRegistered, kCbWatched (set from any thread), kCbExitedNormally
  std::atomic<ProcessCore*> proc{nullptr};  // the live process, null once dead
  BoundedState* bounded = nullptr;       // non-null only for bounded mailboxes (immutable after spawn)

  // From the runtime's block pool, alone in a 128-byte aligned pair of cache lines (pid.cpp): a block
  // is written by every thread that sends to its process or counts a reference to it, and must not
  // share its lines with another block or with some process's object.
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;
};

// kCbExitedNormally: set at a normal exit, before `proc` is cleared, so that a watch installed after
// the process died (Node::set_root on a root that finished at once) can still tell how it ended.
// Bits 4 and 8 are kCbRemote and kCbExported (fnd/detail/remote.hpp).
enum : uint32_t { kCbRegistered = 1, kCbWatched = 2, kCbExitedNormally = 16 };

void destroy_control_block(ControlBlock* cb) noexcept;

inline void retain(ControlBlock* cb) noexcept {
  if (cb) cb->refs.fetch_add(1, std::memory_order_relaxed);
}
inline void release(ControlBlock* cb) noexcept {
  if (cb && cb->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy_control_block(cb);
}
// Drops `n` references at once (batched releases).
inline void release(ControlBlock* cb, uint32_t n) noexcept {
  if (cb && n && cb->refs.fetch_sub(n, std::memory_order_acq_rel) == n) destroy_control_block(cb);
}

}  // namespace detail
}  // namespace fnd
