// Envelope allocation: size classes of 8 bytes (up to 256), blocks carved from large runtime-owned chunks
// (no per-block malloc header), per-thread free lists, and a global depot through which whole batches of
// free blocks travel between threads.
//
// Why a depot: a message is usually allocated on the sender's worker and freed on the receiver's. In a
// one-way flow (a producer feeding a consumer) a per-thread cache alone drains on one side and overflows
// on the other, so every envelope would be a cold malloc on one thread and a cross-thread free on the
// other. Here the consumer's frees fill a batch; a full batch goes to the depot (one mutex acquisition per
// kBatch blocks) and the producer takes it back from there: both sides recycle the same blocks.
//
// Memory: blocks are never returned to the system; the runtime keeps, per size class, the high-water mark
// of envelopes in flight for reuse. Under AddressSanitizer the pool is bypassed (plain malloc/free), so
// that a use of a freed message is still caught.
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "fnd/message.hpp"
#include "msg_alloc_cache.hpp"

namespace fnd::detail {
namespace msg_pool {
// The per-thread cache the inline fast paths (msg_alloc_cache.hpp) use; constant-initialized and
// trivially destructible, so they reach it without a TLS guard.
constinit thread_local Cache t_cache;
}  // namespace msg_pool
using namespace msg_pool;

namespace {
struct Batch {
  FreeBlock* head;
  uint32_t count;
};

// Process-wide: full (or, from exiting threads, partial) batches per class, and the chunks themselves
// (kept reachable so leak checkers see them as owned). Never destroyed: threads may free envelopes while
// static destructors run.
struct Depot {
  std::mutex mu;
  std::vector<Batch> batches[kClasses];
  std::vector<void*> chunks;
};
Depot& depot() {
  static Depot* d = new Depot();
  return *d;
}

bool take_batch(size_t c, Batch& out) {
  Depot& d = depot();
  std::lock_guard<std::mutex> g(d.mu);
  auto& v = d.batches[c];
  if (v.empty()) return false;
  out = v.back();
  v.pop_back();
  return true;
}

void give_batch(size_t c, Batch b) {
  if (!b.head) return;
  Depot& d = depot();
  std::lock_guard<std::mutex> g(d.mu);
  d.batches[c].push_back(b);
}

void* new_chunk() {
  void* p = std::malloc(kChunk);
  if (!p) throw std::bad_alloc();
  Depot& d = depot();
  std::lock_guard<std::mutex> g(d.mu);
  d.chunks.push_back(p);
  return p;
}

// A second thread_local with a destructor, touched once per thread (on its first slow path), returns
// the thread's blocks at thread exit.
struct ExitHook {
  bool armed = false;
  ~ExitHook() {
    if (armed) t_cache.give_back();
  }
};
thread_local ExitHook t_exit_hook;

}  // namespace

void Cache::give_back() {
  for (size_t c = 0; c < kClasses; ++c) {
    give_batch(c, Batch{cur[c], ncur[c]});
    give_batch(c, Batch{full[c], kBatch});
    cur[c] = full[c] = nullptr;
    ncur[c] = 0;
  }
}

void Cache::hook() {
  hooked = true;
  t_exit_hook.armed = true;  // first use: registers the hook's destructor for this thread
}

void Cache::refill(size_t c) {
  if (!hooked) hook();
  if (full[c]) {
    cur[c] = full[c];
    ncur[c] = kBatch;
    full[c] = nullptr;
    return;
  }
  Batch b;
  if (take_batch(c, b)) {
    cur[c] = b.head;
    ncur[c] = b.count;
    return;
  }
  const size_t size = (c + 1) * kGrain;
  // 16-byte aligned start: blocks of a class whose size is a multiple of 16 are then all 16-aligned;
  // 64 (128) bytes for sizes that are multiples of 64 (128), whose blocks then each fill whole cache
  // lines (line pairs): processes (alloc_process) and control blocks, which share no line.
  const uintptr_t align = size % 128 == 0 ? 128 : size % 64 == 0 ? 64 : 16;
  auto aligned = [align](const char* p) { return (reinterpret_cast<uintptr_t>(p) + align - 1) & ~(align - 1); };
  auto at = aligned(carve);
  if (!carve || at + size * kBatch > reinterpret_cast<uintptr_t>(carve_end)) {
    carve = static_cast<char*>(new_chunk());
    carve_end = carve + kChunk;
    at = aligned(carve);
  }
  char* base = reinterpret_cast<char*>(at);
  // Linked in address order, so a fresh batch is handed out (and later walked) sequentially.
  for (uint32_t i = 0; i + 1 < kBatch; ++i)
    reinterpret_cast<FreeBlock*>(base + i * size)->next = reinterpret_cast<FreeBlock*>(base + (i + 1) * size);
  reinterpret_cast<FreeBlock*>(base + (kBatch - 1) * size)->next = nullptr;
  carve = base + size * kBatch;
  cur[c] = reinterpret_cast<FreeBlock*>(base);
  ncur[c] = kBatch;
}

void Cache::overflow(size_t c) {
  if (!hooked) hook();
  if (full[c]) give_batch(c, Batch{full[c], kBatch});
  full[c] = cur[c];
  cur[c] = nullptr;
  ncur[c] = 0;
}

namespace {
// Rounded size -> class; `align` 16 keeps sizes (hence block addresses) multiples of 16.
inline size_t rounded(size_t n, size_t align) {
  size_t g = align > kGrain ? 16 : kGrain;
  n = n < 16 ? 16 : n;
  return (n + g - 1) & ~(g - 1);
}

}  // namespace

namespace msg_pool {
void* unpooled_alloc(size_t c) { return alloc_message((c + 1) * kGrain, kGrain); }
void unpooled_free(void* p, size_t c) noexcept { free_message(p, (c + 1) * kGrain, kGrain); }
}  // namespace msg_pool

void* alloc_block(size_t c) { return msg_pool::alloc_block_inline(c); }
void free_block(void* p, size_t c) noexcept { msg_pool::free_block_inline(p, c); }

void* alloc_message(size_t n, size_t align) {
  size_t r = rounded(n, align);
  if (kPool && r <= kMaxPooled) return alloc_block(r / kGrain - 1);
  if (void* p = std::malloc(r)) return p;
  throw std::bad_alloc();
}

void free_message(void* p, size_t n, size_t align) noexcept {
  size_t r = rounded(n, align);
  if (kPool && r <= kMaxPooled) return free_block(p, r / kGrain - 1);
  std::free(p);
}

// Whole lines: the carve (Cache::refill) aligns blocks whose size is a multiple of 64.
void* alloc_process(size_t n) { return alloc_message((n + 63) & ~size_t{63}); }
void free_process(void* p, size_t n) noexcept { free_message(p, (n + 63) & ~size_t{63}); }

void* alloc_message(size_t n) { return alloc_message(n, alignof(std::max_align_t)); }
void free_message(void* p, size_t n) noexcept { free_message(p, n, alignof(std::max_align_t)); }

}  // namespace fnd::detail
