// Lists for generated code (fnd/runtime_values.h): elements inline, atomically ref-counted,
// copy-on-write, so a list is a value (assignment and send share storage until one side writes).
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include "c_values_internal.hpp"
#include "fnd/runtime.h"

struct fnd_map {
  std::atomic<uint32_t> rc;
  fnd_list* keys;    // exclusively owned by the map
  fnd_list* values;  // exclusively owned by the map
};

namespace {

char* at(const fnd_list* l, int64_t i) { return fnd::detail::list_at(l, i); }

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
    case FND_KIND_BYTES: {
      fnd_bytes* b = *static_cast<fnd_bytes* const*>(src);
      *static_cast<fnd_bytes**>(dst) = fnd_bytes_retain(b);
      return;
    }
    case FND_KIND_LIST: {
      fnd_list* l = *static_cast<fnd_list* const*>(src);
      *static_cast<fnd_list**>(dst) = fnd_list_retain(l);
      return;
    }
    case FND_KIND_MAP: {
      fnd_map* m = *static_cast<fnd_map* const*>(src);
      *static_cast<fnd_map**>(dst) = fnd_map_retain(m);
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
    case FND_KIND_BYTES: fnd_bytes_release(*static_cast<fnd_bytes**>(v)); return;
    case FND_KIND_LIST: fnd_list_release(*static_cast<fnd_list**>(v)); return;
    case FND_KIND_MAP: fnd_map_release(*static_cast<fnd_map**>(v)); return;
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
    case FND_KIND_BYTES: return fnd_bytes_equal(*static_cast<fnd_bytes* const*>(a), *static_cast<fnd_bytes* const*>(b));
    case FND_KIND_LIST: return fnd_list_equal(*static_cast<fnd_list* const*>(a), *static_cast<fnd_list* const*>(b));
    case FND_KIND_MAP: return fnd_map_equal(*static_cast<fnd_map* const*>(a), *static_cast<fnd_map* const*>(b));
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
void* fnd_list_at_mut(fnd_list** slot, int64_t i) {
  if (!*slot || i < 0 || i >= (*slot)->len) return nullptr;
  fnd_list* l = unshare(slot, nullptr, (*slot)->len);
  return at(l, i);
}
void fnd_list_push(fnd_list** slot, const fnd_elem* elem, const void* value) {
  fnd_list* l = unshare(slot, elem, fnd::detail::list_len(*slot) + 1);
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
  for (int64_t i = 0; i < fnd::detail::list_len(l); ++i)
    if (equal_elem(l->elem, at(l, i), value)) return 1;
  return 0;
}
fnd_list* fnd_str_split(const fnd_str* s, const fnd_str* sep) {
  static const fnd_elem str_elem = {FND_KIND_STRING, sizeof(fnd_str*), nullptr};
  fnd_list* out = nullptr;
  auto push = [&](const char* p, size_t n) {
    fnd_str* piece = fnd_str_new(p, n);
    fnd_list_push(&out, &str_elem, &piece);
    fnd_str_release(piece);
  };
  const std::string_view v(fnd_str_data(s), fnd_str_len(s)), d(fnd_str_data(sep), fnd_str_len(sep));
  if (d.empty()) {
    for (size_t i = 0; i < v.size(); ++i) push(v.data() + i, 1);
    return out;
  }
  size_t start = 0;
  for (;;) {
    const size_t hit = v.find(d, start);
    if (hit == std::string_view::npos) {
      push(v.data() + start, v.size() - start);
      return out;
    }
    push(v.data() + start, hit - start);
    start = hit + d.size();
  }
}

int fnd_list_contains_ref(fnd_ctx* ctx, const fnd_list* l, const fnd_ref* r) {
  for (int64_t i = 0; i < fnd::detail::list_len(l); ++i)
    if (fnd_ref_same(ctx, *reinterpret_cast<fnd_ref* const*>(at(l, i)), r)) return 1;
  return 0;
}
int fnd_list_equal(const fnd_list* a, const fnd_list* b) {
  if (fnd::detail::list_len(a) != fnd::detail::list_len(b)) return 0;
  for (int64_t i = 0; i < fnd::detail::list_len(a); ++i)
    if (!equal_elem(a->elem, at(a, i), at(b, i))) return 0;
  return 1;
}

}  // extern "C"

// ---- maps: two parallel sorted lists ----
namespace {

int compare_key(const fnd_elem* e, const void* a, const void* b) {
  switch (e->kind) {
    case FND_KIND_STRING: return fnd_str_compare(*static_cast<fnd_str* const*>(a), *static_cast<fnd_str* const*>(b));
    case FND_KIND_BOOL: return (*static_cast<const uint8_t*>(a) != 0) - (*static_cast<const uint8_t*>(b) != 0);
    default: {
      const int64_t x = *static_cast<const int64_t*>(a), y = *static_cast<const int64_t*>(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

// Index of the first key >= key; *found when equal.
int64_t lower_bound(const fnd_map* m, const void* key, bool* found) {
  *found = false;
  if (!m) return 0;
  int64_t lo = 0, hi = m->keys->len;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (compare_key(m->keys->elem, at(m->keys, mid), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = lo < m->keys->len && compare_key(m->keys->elem, at(m->keys, lo), key) == 0;
  return lo;
}

fnd_map* unshare_map(fnd_map** slot, const fnd_elem* ke, const fnd_elem* ve) {
  fnd_map* m = *slot;
  if (m && m->rc.load(std::memory_order_acquire) == 1) {  // keys()/values() may share the lists
    unshare(&m->keys, nullptr, m->keys->len);
    unshare(&m->values, nullptr, m->values->len);
    return m;
  }
  auto* n = static_cast<fnd_map*>(std::malloc(sizeof(fnd_map)));
  if (!n) std::abort();
  new (&n->rc) std::atomic<uint32_t>(1);
  if (m) {
    n->keys = fnd_list_retain(m->keys);
    n->values = fnd_list_retain(m->values);
    unshare(&n->keys, nullptr, n->keys->len);
    unshare(&n->values, nullptr, n->values->len);
    fnd_map_release(m);
  } else {
    n->keys = alloc(ke, 4);
    n->values = alloc(ve, 4);
  }
  *slot = n;
  return n;
}

}  // namespace

extern "C" {

fnd_map* fnd_map_retain(fnd_map* m) {
  if (m) m->rc.fetch_add(1, std::memory_order_relaxed);
  return m;
}
void fnd_map_release(fnd_map* m) {
  if (!m || m->rc.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  fnd_list_release(m->keys);
  fnd_list_release(m->values);
  std::free(m);
}
int64_t fnd_map_len(const fnd_map* m) { return m ? m->keys->len : 0; }
void* fnd_map_get(const fnd_map* m, const void* key) {
  bool found = false;
  const int64_t i = lower_bound(m, key, &found);
  return found ? at(m->values, i) : nullptr;
}
void* fnd_map_get_mut(fnd_map** slot, const void* key) {
  bool found = false;
  lower_bound(*slot, key, &found);
  if (!found) return nullptr;
  fnd_map* m = unshare_map(slot, nullptr, nullptr);
  const int64_t i = lower_bound(m, key, &found);
  return at(m->values, i);
}
void fnd_map_put(fnd_map** slot, const fnd_elem* ke, const fnd_elem* ve, const void* key, const void* value) {
  fnd_map* m = unshare_map(slot, ke, ve);
  bool found = false;
  const int64_t i = lower_bound(m, key, &found);
  if (found) {  // copy first: the value may live in this map
    unsigned char tmp[256];
    void* v = m->values->elem->size <= sizeof tmp ? tmp : std::malloc(m->values->elem->size);
    copy_elem(m->values->elem, v, value);
    destroy_elem(m->values->elem, at(m->values, i));
    std::memcpy(at(m->values, i), v, m->values->elem->size);
    if (v != tmp) std::free(v);
    return;
  }
  for (fnd_list** lp : {&m->keys, &m->values}) {
    fnd_list* l = unshare(lp, nullptr, (*lp)->len + 1);
    std::memmove(at(l, i + 1), at(l, i), static_cast<size_t>(l->len - i) * l->elem->size);
    copy_elem(l->elem, at(l, i), lp == &m->keys ? key : value);
    ++l->len;
  }
}
void fnd_map_remove(fnd_map** slot, const void* key) {
  bool found = false;
  lower_bound(*slot, key, &found);
  if (!found) return;
  fnd_map* m = unshare_map(slot, nullptr, nullptr);
  const int64_t i = lower_bound(m, key, &found);
  for (fnd_list* l : {m->keys, m->values}) {
    destroy_elem(l->elem, at(l, i));
    std::memmove(at(l, i), at(l, i + 1), static_cast<size_t>(l->len - i - 1) * l->elem->size);
    --l->len;
  }
}
void fnd_map_clear(fnd_map** slot) {
  fnd_map_release(*slot);
  *slot = nullptr;
}
void* fnd_map_key_at(const fnd_map* m, int64_t i) { return fnd::detail::list_at_checked(m ? m->keys : nullptr, i); }
void* fnd_map_value_at(const fnd_map* m, int64_t i) { return fnd::detail::list_at_checked(m ? m->values : nullptr, i); }
fnd_list* fnd_map_keys(const fnd_map* m) { return m && m->keys->len ? fnd_list_retain(m->keys) : nullptr; }
fnd_list* fnd_map_values(const fnd_map* m) { return m && m->values->len ? fnd_list_retain(m->values) : nullptr; }
int fnd_map_equal(const fnd_map* a, const fnd_map* b) {
  if (fnd_map_len(a) != fnd_map_len(b)) return 0;
  if (!a) return 1;
  return fnd_list_equal(a->keys, b->keys) && fnd_list_equal(a->values, b->values);
}

}  // extern "C"
