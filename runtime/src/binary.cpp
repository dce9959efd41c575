#include "fnd/binary.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace fnd {

struct Binary::Buffer {
  std::atomic<long> refs;
  size_t size;
  char* bytes() noexcept { return reinterpret_cast<char*>(this + 1); }
};

Binary Binary::uninitialized(size_t size) {
  Binary b;
  if (size == 0) return b;
  void* mem = std::malloc(sizeof(Buffer) + size);
  if (!mem) throw std::bad_alloc();
  b.buf_ = new (mem) Buffer{{1}, size};
  b.len_ = size;
  return b;
}

Binary::Binary(const void* data, size_t size) {
  Binary b = uninitialized(size);
  if (size) std::memcpy(b.mutable_data(), data, size);
  swap(b);
}

const std::byte* Binary::data() const noexcept {
  return buf_ ? reinterpret_cast<const std::byte*>(buf_->bytes() + off_) : nullptr;
}
char* Binary::mutable_data() noexcept { return buf_ ? buf_->bytes() + off_ : nullptr; }

Binary Binary::slice(size_t offset, size_t length) const noexcept {
  Binary b;
  if (!buf_ || offset >= len_) return b;
  if (length > len_ - offset) length = len_ - offset;
  if (length == 0) return b;
  b.buf_ = buf_;
  b.off_ = off_ + offset;
  b.len_ = length;
  b.retain();
  return b;
}

long Binary::use_count() const noexcept { return buf_ ? buf_->refs.load(std::memory_order_relaxed) : 0; }

void Binary::retain() noexcept {
  if (buf_) buf_->refs.fetch_add(1, std::memory_order_relaxed);
}

void Binary::release() noexcept {
  if (buf_ && buf_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    buf_->~Buffer();
    std::free(buf_);
  }
  buf_ = nullptr;
}

}  // namespace fnd
