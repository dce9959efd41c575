// Envelope allocation: a per-thread cache of free blocks per size class in front of malloc. A message is
// usually allocated on the sender's worker and freed on the receiver's; blocks simply migrate between the
// threads' caches (each cache is bounded, the excess goes back to malloc).
#include <cstdlib>
#include <new>

#include "fnd/message.hpp"

namespace fnd::detail {
namespace {
constexpr size_t kClassSize = 64;
constexpr size_t kClasses = 4;        // 64, 128, 192, 256 bytes
constexpr unsigned kMaxCached = 512;  // per class per thread

struct FreeBlock {
  FreeBlock* next;
};

struct Cache {
  FreeBlock* heads[kClasses] = {};
  unsigned counts[kClasses] = {};
  ~Cache() {
    for (auto& h : heads)
      while (h) {
        FreeBlock* n = h->next;
        std::free(h);
        h = n;
      }
  }
};
thread_local Cache t_cache;

inline size_t class_of(size_t n) { return (n + kClassSize - 1) / kClassSize - 1; }
}  // namespace

void* alloc_message(size_t n) {
  size_t c = class_of(n);
  if (c < kClasses) {
    Cache& k = t_cache;
    if (FreeBlock* b = k.heads[c]) {
      k.heads[c] = b->next;
      --k.counts[c];
      return b;
    }
    if (void* p = std::malloc((c + 1) * kClassSize)) return p;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(n)) return p;
  throw std::bad_alloc();
}

void free_message(void* p, size_t n) noexcept {
  size_t c = class_of(n);
  if (c < kClasses) {
    Cache& k = t_cache;
    if (k.counts[c] < kMaxCached) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = k.heads[c];
      k.heads[c] = b;
      ++k.counts[c];
      return;
    }
  }
  std::free(p);
}

}  // namespace fnd::detail
