// Chase-Lev work-stealing deque (Lê, Pop, Cohen, Zappa Nardelli, PPoPP'13), growable. The owner pushes
// and pops at the bottom (LIFO: cache-warm), thieves steal from the top (FIFO: oldest work migrates).
// top/bottom use seq_cst operations instead of standalone fences: the same ordering on x86 at the cost of
// an xchg per push, and ThreadSanitizer (which does not model fences) understands it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace fnd::detail {

template <class T>
class WsDeque {
 public:
  explicit WsDeque(int64_t capacity = 256) : array_(new Array(capacity)) { garbage_.emplace_back(array_.load()); }
  WsDeque(const WsDeque&) = delete;
  WsDeque& operator=(const WsDeque&) = delete;

  // Owner only.
  void push(T* x) {
    int64_t b = bottom_.load(std::memory_order_relaxed);
    int64_t t = top_.load(std::memory_order_acquire);
    Array* a = array_.load(std::memory_order_relaxed);
    if (b - t > a->cap - 1) a = grow(a, t, b);
    a->put(b, x);
    bottom_.store(b + 1, std::memory_order_seq_cst);
  }

  // Owner only.
  T* pop() {
    int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Array* a = array_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    int64_t t = top_.load(std::memory_order_seq_cst);
    if (t <= b) {
      T* x = a->get(b);
      if (t == b) {
        if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) x = nullptr;
        bottom_.store(b + 1, std::memory_order_seq_cst);
      }
      return x;
    }
    bottom_.store(b + 1, std::memory_order_seq_cst);
    return nullptr;
  }

  // Any thread. nullptr if empty or if it lost a race (the caller moves on to another victim).
  T* steal() {
    int64_t t = top_.load(std::memory_order_seq_cst);
    int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t < b) {
      Array* a = array_.load(std::memory_order_acquire);
      T* x = a->get(t);
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) return nullptr;
      return x;
    }
    return nullptr;
  }

  bool empty_hint() const {
    return bottom_.load(std::memory_order_seq_cst) <= top_.load(std::memory_order_seq_cst);
  }

 private:
  struct Array {
    explicit Array(int64_t c) : cap(c), mask(c - 1), slots(new std::atomic<T*>[c]) {}
    int64_t cap;
    int64_t mask;
    std::unique_ptr<std::atomic<T*>[]> slots;
    T* get(int64_t i) const { return slots[i & mask].load(std::memory_order_relaxed); }
    void put(int64_t i, T* x) { slots[i & mask].store(x, std::memory_order_relaxed); }
  };

  Array* grow(Array* a, int64_t t, int64_t b) {
    auto* n = new Array(a->cap * 2);
    for (int64_t i = t; i < b; ++i) n->put(i, a->get(i));
    garbage_.emplace_back(n);  // old arrays stay alive: a thief may still read them
    array_.store(n, std::memory_order_release);
    return n;
  }

  alignas(64) std::atomic<int64_t> top_{0};
  alignas(64) std::atomic<int64_t> bottom_{0};
  alignas(64) std::atomic<Array*> array_;
  std::vector<std::unique_ptr<Array>> garbage_;
};

}  // namespace fnd::detail
