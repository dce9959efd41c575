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

// Inbox sentinels stored in ControlBlock::head.
inline Message* const kInboxBlocked = reinterpret_cast<Message*>(uintptr_t{1});  // idle, not scheduled
inline Message* const kInboxClosed = reinterpret_cast<Message*>(uintptr_t{2});   // dead

struct ControlBlock {
  std::atomic<uint32_t> refs{1};
  uint32_t node = 0;                     // node part of the pid (0 = local)
  uint64_t id = 0;                       // unique per node, never reused
  std::atomic<Message*> head{nullptr};   // LIFO inbox + state: nullptr (empty, scheduled/running),
                                         // kInboxBlocked, kInboxClosed, or the newest message
  // depth right after head: every send writes both, and at offsets 16..27 they share a cache line
  // wherever the allocator puts the block (16-byte aligned).
  std::atomic<uint32_t> depth{0};        // messages in inbox + private queue (observable)
  std::atomic<uint32_t> flags{0};        // kCbRegistered, kCbWatched (set from any thread), kCbExitedNormally
  std::atomic<ProcessCore*> proc{nullptr};  // the live process, null once dead
  BoundedState* bounded = nullptr;       // non-null only for bounded mailboxes (immutable after spawn)
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
