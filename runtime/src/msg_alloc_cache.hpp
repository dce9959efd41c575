// The envelope pool's per-thread cache and its allocation fast paths, inline for the runtime's own
// hot paths (msg_alloc.cpp explains the design; fnd/message.hpp's alloc_block / free_block are the
// out-of-line entry points for everyone else). The C ABI's fnd_msg_alloc and C envelope destroys
// use these, so a C send allocates with no call beyond its own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fnd::detail::msg_pool {

constexpr size_t kGrain = 8;
constexpr size_t kMaxPooled = 256;
constexpr size_t kClasses = kMaxPooled / kGrain;  // class c holds blocks of (c + 1) * 8 bytes
constexpr uint32_t kBatch = 128;                  // blocks moved to / from the depot at once
constexpr size_t kChunk = 1 << 20;                // carved into batches of any class

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPool = false;  // plain malloc/free, so that a use of a freed message is caught
#else
constexpr bool kPool = true;
#endif

struct FreeBlock {
  FreeBlock* next;
};

struct Cache {
  // Per class: `cur` serves allocations and takes frees; once it holds kBatch blocks it becomes `full`
  // (the previous `full` goes to the depot), so a thread keeps between 0 and 2 * kBatch free blocks.
  FreeBlock* cur[kClasses] = {};
  uint32_t ncur[kClasses] = {};
  FreeBlock* full[kClasses] = {};
  char* carve = nullptr;  // unused rest of this thread's current chunk
  char* carve_end = nullptr;
  bool hooked = false;    // the thread-exit hook is registered

  // At thread exit the free blocks go to the depot (the unused rest of the chunk stays in the depot's
  // chunk list: owned, not reused).
  void give_back();
  // Makes `cur[c]` non-empty: the spare full batch, a batch from the depot, or new blocks.
  __attribute__((noinline)) void refill(size_t c);
  __attribute__((noinline)) void overflow(size_t c);  // `cur[c]` reached kBatch blocks
  void hook();  // registers give_back() for thread exit (on the first slow path of each thread)
};
extern constinit thread_local Cache t_cache;

void* unpooled_alloc(size_t c);                  // the sanitizer build's paths (msg_alloc.cpp)
void unpooled_free(void* p, size_t c) noexcept;

// A block of class c from this thread's list, or null when the list is empty (pooled builds only).
[[gnu::always_inline]] inline FreeBlock* pop_cached(size_t c) {
  Cache& k = t_cache;
  FreeBlock* b = k.cur[c];
  if (b) [[likely]] {
    k.cur[c] = b->next;
    --k.ncur[c];
  }
  return b;
}

[[gnu::always_inline]] inline void* alloc_block_inline(size_t c) {
  if constexpr (!kPool) return unpooled_alloc(c);
  if (FreeBlock* b = pop_cached(c)) [[likely]] return b;
  t_cache.refill(c);
  return pop_cached(c);
}

[[gnu::always_inline]] inline void free_block_inline(void* p, size_t c) noexcept {
  if constexpr (!kPool) return unpooled_free(p, c);
  Cache& k = t_cache;
  auto* b = static_cast<FreeBlock*>(p);
  b->next = k.cur[c];
  k.cur[c] = b;
  if (++k.ncur[c] == kBatch) [[unlikely]] k.overflow(c);
}

}  // namespace fnd::detail::msg_pool
