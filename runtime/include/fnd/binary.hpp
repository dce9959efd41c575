// fnd::Binary: an immutable, atomically ref-counted byte buffer. Copies and slices share the bytes, so a
// large payload sent between local processes is never copied (Erlang's refc binaries).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fnd {

class Binary {
 public:
  Binary() noexcept = default;
  // Copies `size` bytes once into a new shared buffer.
  Binary(const void* data, size_t size);
  explicit Binary(std::string_view s) : Binary(s.data(), s.size()) {}
  // A buffer of `size` bytes filled by `fill(char* dst)` before it becomes immutable.
  template <class F>
  static Binary build(size_t size, F&& fill) {
    Binary b = uninitialized(size);
    fill(b.mutable_data());
    return b;
  }

  Binary(const Binary& o) noexcept : buf_(o.buf_), off_(o.off_), len_(o.len_) { retain(); }
  Binary(Binary&& o) noexcept : buf_(o.buf_), off_(o.off_), len_(o.len_) {
    o.buf_ = nullptr;
    o.off_ = o.len_ = 0;
  }
  Binary& operator=(const Binary& o) noexcept {
    Binary t(o);
    swap(t);
    return *this;
  }
  Binary& operator=(Binary&& o) noexcept {
    Binary t(std::move(o));
    swap(t);
    return *this;
  }
  ~Binary() { release(); }
  void swap(Binary& o) noexcept {
    std::swap(buf_, o.buf_);
    std::swap(off_, o.off_);
    std::swap(len_, o.len_);
  }

  const std::byte* data() const noexcept;
  const char* chars() const noexcept { return reinterpret_cast<const char*>(data()); }
  size_t size() const noexcept { return len_; }
  bool empty() const noexcept { return len_ == 0; }
  std::string_view view() const noexcept { return {chars(), len_}; }
  std::byte operator[](size_t i) const noexcept { return data()[i]; }
  // Zero-copy sub-range [offset, offset+length) (clamped to the binary).
  Binary slice(size_t offset, size_t length) const noexcept;
  // Number of Binary values sharing the underlying buffer (0 for an empty binary).
  long use_count() const noexcept;

  friend bool operator==(const Binary& a, const Binary& b) noexcept { return a.view() == b.view(); }

 private:
  struct Buffer;
  static Binary uninitialized(size_t size);
  char* mutable_data() noexcept;
  void retain() noexcept;
  void release() noexcept;
  Buffer* buf_ = nullptr;
  size_t off_ = 0;
  size_t len_ = 0;
};

}  // namespace fnd
