// Lists for generated code (fnd/runtime_values.h): elements inline, atomically ref-counted,
// copy-on-write, so a list is a value (assignment and send share storage until one side writes).
#include <cstdlib>
#include <cstring>
#include <new>

#include "c_values_internal.hpp"
#include "fnd/runtime.h"

struct fnd_list {
  std::atomic<uint32_t> rc;
  const fnd_elem* elem;
  int64_t len;
  int64_t cap;
  alignas(16) unsigned char data[1];
};

namespace {

char* at(const fnd_list* l, int64_t i) { return const_cast<char*>(reinterpret_cast<const char*>(l->data)) + i * l->elem->size; }

fnd_list* alloc(const fnd_elem* elem, int64_t cap) {
  void* mem = std::malloc(offsetof(fnd_list, data) + static_cast<size_t>(cap ? cap : 1) * elem->size);
  if (!mem) std::abort();
  auto* l = static_cast<fnd_list*>(mem);
  new (&l->rc) std::atomic<uint32_t>(1);
  l->elem = elem;
  l->len = 0;
  l->cap = cap;
  return l;
}

// Copies one element into uninitialized memory, retaining what it owns.
void copy_elem(const fnd_elem* e, void* dst, const void* src) {
  switch (e->kind) {
    case FND_KIND_STRING: {
      fnd_str* s = *static_cast<fnd_str* const*>(src);
      *static_cast<fnd_str**>(dst) = fnd_str_retain(s);
      return;
    }
    case FND_KIND_REF: {
      fnd_ref* r = *static_cast<fnd_ref* const*>(src);
      *static_cast<fnd_ref**>(dst) = fnd_ref_retain(r);
      return;
    }
    case FND_KIND_LIST: {
      fnd_list* l = *static_cast<fnd_list* const*>(src);
      *static_cast<fnd_list**>(dst) = fnd_list_retain(l);
      return;
    }
    case FND_KIND_RECORD: fnd_record_copy(e->record, dst, src); return;
    default: std::memcpy(dst, src, e->size); return;
  }
}

void destroy_elem(const fnd_elem* e, void* v) {
  switch (e->kind) {
    case FND_KIND_STRING: fnd_str_release(*static_cast<fnd_str**>(v)); return;
    case FND_KIND_REF: fnd_ref_release(*static_cast<fnd_ref**>(v)); return;
    case FND_KIND_LIST: fnd_list_release(*static_cast<fnd_list**>(v)); return;
    case FND_KIND_RECORD: fnd_record_destroy(e->record, v); return;
    default: return;
  }
}

bool equal_elem(const fnd_elem* e, const void* a, const void* b) {
  switch (e->kind) {
    case FND_KIND_FLOAT: return *static_cast<const double*>(a) == *static_cast<const double*>(b);
    case FND_KIND_BOOL: return (*static_cast<const uint8_t*>(a) != 0) == (*static_cast<const uint8_t*>(b) != 0);
    case FND_KIND_STRING: return fnd_str_equal(*static_cast<fnd_str* const*>(a), *static_cast<fnd_str* const*>(b));
    case FND_KIND_REF: return fnd_ref_equal(*static_cast<fnd_ref* const*>(a), *static_cast<fnd_ref* const*>(b));
    case FND_KIND_LIST: return fnd_list_equal(*static_cast<fnd_list* const*>(a), *static_cast<fnd_list* const*>(b));
    case FND_KIND_RECORD: return fnd_record_equal(e->record, a, b);
    default: return *static_cast<const int64_t*>(a) == *static_cast<const int64_t*>(b);
  }
}

// Makes *slot exclusively owned with room for `need` elements.
fnd_list* unshare(fnd_list** slot, const fnd_elem* elem, int64_t need) {
  fnd_list* l = *slot;
  if (l && l->rc.load(std::memory_order_acquire) == 1 && l->cap >= need) return l;
  const fnd_elem* e = l ? l->elem : elem;
  int64_t cap = l ? l->cap : 0;
  if (cap < need) cap = need < 4 ? 4 : (cap * 2 > need ? cap * 2 : need);
  fnd_list* n = alloc(e, cap);
  if (l) {
    if (l->rc.load(std::memory_order_acquire) == 1) {  // exclusive: move the elements
      std::memcpy(n->data, l->data, static_cast<size_t>(l->len) * e->size);
      n->len = l->len;
      l->len = 0;
    } else {
      for (int64_t i = 0; i < l->len; ++i) copy_elem(e, at(n, i), at(l, i));
      n->len = l->len;
    }
    fnd_list_release(l);
  }
  *slot = n;
  return n;
}

}  // namespace

extern "C" {

fnd_list* fnd_list_new(const fnd_elem* elem) { return alloc(elem, 4); }
fnd_list* fnd_list_retain(fnd_list* l) {
  if (l) l->rc.fetch_add(1, std::memory_order_relaxed);
  return l;
}
void fnd_list_release(fnd_list* l) {
  if (!l || l->rc.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  for (int64_t i = 0; i < l->len; ++i) destroy_elem(l->elem, at(l, i));
  std::free(l);
}
int64_t fnd_list_len(const fnd_list* l) { return l ? l->len : 0; }
void* fnd_list_at(const fnd_list* l, int64_t i) { return l && i >= 0 && i < l->len ? at(l, i) : nullptr; }
void* fnd_list_at_mut(fnd_list** slot, int64_t i) {
  if (!*slot || i < 0 || i >= (*slot)->len) return nullptr;
  fnd_list* l = unshare(slot, nullptr, (*slot)->len);
  return at(l, i);
}
void fnd_list_push(fnd_list** slot, const fnd_elem* elem, const void* value) {
  fnd_list* l = unshare(slot, elem, fnd_list_len(*slot) + 1);
  copy_elem(l->elem, at(l, l->len), value);
  ++l->len;
}
int fnd_list_pop(fnd_list** slot, void* out) {
  if (!*slot || (*slot)->len == 0) return 0;
  fnd_list* l = unshare(slot, nullptr, (*slot)->len);
  --l->len;
  std::memcpy(out, at(l, l->len), l->elem->size);
  return 1;
}
void fnd_list_clear(fnd_list** slot) {
  fnd_list_release(*slot);
  *slot = nullptr;
}
int fnd_list_contains(const fnd_list* l, const void* value) {
  for (int64_t i = 0; i < fnd_list_len(l); ++i)
    if (equal_elem(l->elem, at(l, i), value)) return 1;
  return 0;
}
int fnd_list_contains_ref(fnd_ctx* ctx, const fnd_list* l, const fnd_ref* r) {
  for (int64_t i = 0; i < fnd_list_len(l); ++i)
    if (fnd_ref_same(ctx, *reinterpret_cast<fnd_ref* const*>(at(l, i)), r)) return 1;
  return 0;
}
int fnd_list_equal(const fnd_list* a, const fnd_list* b) {
  if (fnd_list_len(a) != fnd_list_len(b)) return 0;
  for (int64_t i = 0; i < fnd_list_len(a); ++i)
    if (!equal_elem(a->elem, at(a, i), at(b, i))) return 0;
  return 1;
}

}  // extern "C"
