// fnd::lang::List<T>: the C++ type of `list<T>`. Lists are values (docs/language.md, section 3),
// but copies share one buffer: copying is a pointer copy and an atomic increment, and the first
// write to a shared buffer copies it (copy on write). A list sent to a thousand actors and kept in
// their state is one buffer, not a thousand.
//
// Reads (size, [], iteration, ==) never copy. Every write (push_back, pop_back, mut(i), clear,
// append, ...) first makes the buffer exclusive to this value. Iterators and references stay
// valid until the next write to this value, as with std::vector.
//
// Thread safety is that of a value: different List objects may be read and written from
// different threads even when they share a buffer; one List object written by one thread must not
// be read by another at the same time. Counts are atomic because copies travel in messages; a
// buffer is written in place only when its count is 1 (checked with acquire ordering), i.e. when
// no other value, on any thread, can see it.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace fnd::lang {

template <class T>
class List {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using const_reference = const T&;
  using const_iterator = const T*;
  using iterator = const T*;  // elements are written with mut(i), never through iterators

  List() noexcept = default;
  List(std::initializer_list<T> xs) : List(xs.begin(), xs.end()) {}
  // From a std::vector (implicit, so C++ code can hand a vector where a list is expected).
  List(const std::vector<T>& xs) : List(xs.begin(), xs.end()) {}
  List(std::vector<T>&& xs) : List(std::make_move_iterator(xs.begin()), std::make_move_iterator(xs.end())) {}
  template <std::input_iterator It>
  List(It first, It last) {
    List out;  // owns what is built so far if constructing an element throws
    if constexpr (std::forward_iterator<It>) out.own(static_cast<std::size_t>(std::distance(first, last)), 0);
    for (; first != last; ++first) out.emplace_back(*first);
    swap(out);
  }

  List(const List& o) noexcept : rep_(o.rep_) { retain(rep_); }
  List(List&& o) noexcept : rep_(std::exchange(o.rep_, nullptr)) {}
  List& operator=(const List& o) noexcept {
    retain(o.rep_);  // first: `o` may be this list
    release(std::exchange(rep_, o.rep_));
    return *this;
  }
  List& operator=(List&& o) noexcept {
    if (this != &o) release(std::exchange(rep_, std::exchange(o.rep_, nullptr)));
    return *this;
  }
  ~List() { release(rep_); }

  // ---- reads ----
  std::size_t size() const noexcept { return rep_ ? rep_->size : 0; }
  bool empty() const noexcept { return size() == 0; }
  std::size_t capacity() const noexcept { return rep_ ? rep_->cap : 0; }
  const T* data() const noexcept { return rep_ ? items(rep_) : nullptr; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size(); }
  // Unchecked, as std::vector's (the language's xs[i] is fnd::lang::at, which checks).
  const T& operator[](std::size_t i) const noexcept { return items(rep_)[i]; }
  const T& front() const noexcept { return items(rep_)[0]; }
  const T& back() const noexcept { return items(rep_)[rep_->size - 1]; }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }

  friend bool operator==(const List& a, const List& b) {
    if (a.rep_ == b.rep_) return true;
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

  // How many values share this list's buffer (0 for an empty list that has none). For tests.
  std::size_t use_count() const noexcept { return rep_ ? rep_->refs.load(std::memory_order_relaxed) : 0; }

  // ---- writes: each makes the buffer exclusive to this value first ----
  // Element i, writable (i < size()).
  T& mut(std::size_t i) {
    own(capacity(), size());
    return items(rep_)[i];
  }
  void push_back(const T& x) { emplace_back(x); }
  void push_back(T&& x) { emplace_back(std::move(x)); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (!(rep_ && exclusive(rep_) && rep_->size < rep_->cap)) {
      T x(std::forward<Args>(args)...);  // before the old buffer may go: args may refer into it
      own(grown(size() + 1), size());
      return push_unchecked(std::move(x));
    }
    return push_unchecked(std::forward<Args>(args)...);
  }
  // Removes and returns the last element (!empty()).
  T take_back() {
    const std::size_t n = size();
    if (exclusive(rep_)) {
      T x(std::move(items(rep_)[n - 1]));
      std::destroy_at(items(rep_) + n - 1);
      --rep_->size;
      return x;
    }
    T x(items(rep_)[n - 1]);
    own(rep_->cap, n - 1);
    return x;
  }
  void pop_back() { (void)take_back(); }
  void clear() noexcept { release(std::exchange(rep_, nullptr)); }
  void reserve(std::size_t n) {
    if (n > capacity()) own(n, size());
  }
  // Appends the elements of `o` (which may be this list).
  void append(const List& o) {
    if (o.empty()) return;
    if (empty()) {
      *this = o;  // share
      return;
    }
    const List keep(o);  // holds o's buffer while this one is replaced
    const std::size_t need = size() + keep.size();
    own(need <= capacity() ? need : grown(need), size());
    for (const T& x : keep) push_unchecked(x);
  }
  void swap(List& o) noexcept { std::swap(rep_, o.rep_); }

 private:
  // The buffer: this header, then `cap` element slots, the first `size` of them constructed.
  struct Rep {
    std::atomic<std::size_t> refs;
    std::size_t size;
    std::size_t cap;
  };
  // A function, not a constant: T may be incomplete where List<T> is named (message Tree { children: list<Tree> }).
  static constexpr std::size_t header() noexcept { return (sizeof(Rep) + alignof(T) - 1) / alignof(T) * alignof(T); }
  static T* items(Rep* r) noexcept { return reinterpret_cast<T*>(reinterpret_cast<char*>(r) + header()); }
  static const T* items(const Rep* r) noexcept {
    return reinterpret_cast<const T*>(reinterpret_cast<const char*>(r) + header());
  }

  static Rep* allocate(std::size_t cap) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "List<T>: over-aligned element type");
    void* mem = ::operator new(header() + cap * sizeof(T));
    return new (mem) Rep{{1}, 0, cap};
  }
  static void destroy(Rep* r) noexcept {
    std::destroy_n(items(r), r->size);
    r->~Rep();
    ::operator delete(r);
  }
  static void retain(Rep* r) noexcept {
    if (r) r->refs.fetch_add(1, std::memory_order_relaxed);
  }
  static void release(Rep* r) noexcept {
    if (!r) return;
    // The last owner skips the atomic write: no other value can reach the buffer to change it.
    if (r->refs.load(std::memory_order_acquire) == 1 || r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      destroy(r);
  }
  static bool exclusive(const Rep* r) noexcept { return r->refs.load(std::memory_order_acquire) == 1; }
  static std::size_t grown(std::size_t need) noexcept {
    return need <= 4 ? 4 : std::max(need, 2 * (need - 1));  // from a full buffer of n: 2n
  }

  // Makes the buffer exclusive to this value with room for `cap` elements, keeping the first
  // `keep` (<= size()) and dropping the rest. A shared buffer is copied (and left to its other
  // owners); an exclusive one is reused, or its elements moved when it must grow. If copying
  // throws, this list is unchanged.
  void own(std::size_t cap, std::size_t keep) {
    if (rep_ && exclusive(rep_) && rep_->cap >= cap) {
      std::destroy(items(rep_) + keep, items(rep_) + rep_->size);
      rep_->size = keep;
      return;
    }
    cap = std::max(cap, keep);
    if (cap == 0) {
      clear();
      return;
    }
    Rep* fresh = allocate(cap);
    if (rep_) {
      T* from = items(rep_);
      if (exclusive(rep_) && std::is_nothrow_move_constructible_v<T>) {
        std::uninitialized_move_n(from, keep, items(fresh));
      } else {
        try {
          std::uninitialized_copy_n(from, keep, items(fresh));
        } catch (...) {
          fresh->~Rep();
          ::operator delete(fresh);
          throw;
        }
      }
      fresh->size = keep;
    }
    release(std::exchange(rep_, fresh));
  }
  // Constructs the next element in place (exclusive buffer with room).
  template <class... Args>
  T& push_unchecked(Args&&... args) {
    T* p = new (items(rep_) + rep_->size) T(std::forward<Args>(args)...);
    ++rep_->size;
    return *p;
  }
  Rep* rep_ = nullptr;  // null: the empty list (no allocation)
};

}  // namespace fnd::lang
