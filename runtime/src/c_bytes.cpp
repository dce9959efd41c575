// The C ABI of the `bytes` type (fnd/runtime_values.h): a counted handle around an fnd::Binary, so
// converting to and from the C++ back end's representation (extern actors, the wire) shares the
// octets instead of copying them.
#include <atomic>
#include <cstring>
#include <new>
#include <string_view>

#include "fnd/binary.hpp"
#include "fnd/runtime.h"

struct fnd_bytes {
  std::atomic<uint32_t> rc;
  fnd::Binary bin;  // never empty: the empty value is NULL
};

namespace {

fnd_bytes* wrap(fnd::Binary b) {
  if (b.empty()) return nullptr;
  return new fnd_bytes{{1}, std::move(b)};
}

std::string_view view(const fnd_bytes* b) { return b ? b->bin.view() : std::string_view(); }

}  // namespace

extern "C" {

fnd_bytes* fnd_bytes_new(const void* data, size_t len) {
  if (!data || len == 0) return nullptr;
  return wrap(fnd::Binary(data, len));
}
fnd_bytes* fnd_bytes_retain(fnd_bytes* b) {
  if (b) b->rc.fetch_add(1, std::memory_order_relaxed);
  return b;
}
void fnd_bytes_release(fnd_bytes* b) {
  if (b && b->rc.fetch_sub(1, std::memory_order_acq_rel) == 1) delete b;
}
size_t fnd_bytes_len(const fnd_bytes* b) { return b ? b->bin.size() : 0; }
const uint8_t* fnd_bytes_data(const fnd_bytes* b) {
  static const uint8_t empty = 0;
  return b ? reinterpret_cast<const uint8_t*>(b->bin.data()) : &empty;
}
int fnd_bytes_equal(const fnd_bytes* a, const fnd_bytes* b) { return a == b || view(a) == view(b); }
fnd_bytes* fnd_bytes_concat(const fnd_bytes* a, const fnd_bytes* b) {
  // One side empty: the result shares the other's octets.
  if (!a) return fnd_bytes_retain(const_cast<fnd_bytes*>(b));
  if (!b) return fnd_bytes_retain(const_cast<fnd_bytes*>(a));
  const std::string_view x = view(a), y = view(b);
  return wrap(fnd::Binary::build(x.size() + y.size(), [&](char* dst) {
    std::memcpy(dst, x.data(), x.size());
    std::memcpy(dst + x.size(), y.data(), y.size());
  }));
}
fnd_bytes* fnd_bytes_from_str(const fnd_str* s) { return fnd_bytes_new(fnd_str_data(s), fnd_str_len(s)); }
fnd_str* fnd_str_from_bytes(const fnd_bytes* b) {
  const std::string_view v = view(b);
  return fnd_str_new(v.data(), v.size());
}

}  // extern "C"

fnd_bytes* fnd_bytes_from_cxx(const fnd::Binary& b) { return wrap(b); }
const fnd::Binary& fnd_bytes_cxx(const fnd_bytes* b) {
  static const fnd::Binary empty;
  return b ? b->bin : empty;
}
