// The C ABI of .fnd values (fnd/runtime_values.h): ref-counted strings and refs, record
// descriptors, formatting, print. Built only on the public C and C++ APIs of the runtime.
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <string_view>

#include "fnd/log.hpp"
#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
#include "fnd/runtime.h"
#include "c_values_internal.hpp"

namespace fnd::detail {
void c_post(fnd_ctx* ctx, const Pid& to, const fnd_type* type, void* value);  // c_api.cpp
void c_post_cb(fnd_ctx* ctx, ControlBlock* to, const fnd_type* type, void* value);  // to: borrowed
}

struct fnd_str {
  std::atomic<uint32_t> rc;
  size_t len;
  char data[1];  // len bytes + NUL
};


// The layout fnd/runtime_values.h promises to generated code, which counts refs inline.
static_assert(offsetof(fnd_ref, rc) == 0 && sizeof(fnd_ref::rc) == 4);
static_assert(offsetof(fnd::detail::ControlBlock, refs) == 0 && sizeof(fnd::detail::ControlBlock::refs) == 4);
static_assert(alignof(fnd::detail::ControlBlock) >= 2, "the low bit of a pid handle tags a ref");

namespace {

std::string_view view(const fnd_str* s) { return s ? std::string_view(s->data, s->len) : std::string_view(); }

fnd_str* make_str(std::string_view v) {
  if (v.empty()) return nullptr;
  void* mem = std::malloc(offsetof(fnd_str, data) + v.size() + 1);
  if (!mem) std::abort();
  auto* s = static_cast<fnd_str*>(mem);
  new (&s->rc) std::atomic<uint32_t>(1);
  s->len = v.size();
  std::memcpy(s->data, v.data(), v.size());
  s->data[v.size()] = 0;
  return s;
}

// A borrowed fnd_pid is a ControlBlock*: a Pid that shares it (retained), as c_api.cpp does.
fnd::Pid pid_of(fnd_pid p) { return fnd::Pid::share(reinterpret_cast<fnd::detail::ControlBlock*>(p)); }

}  // namespace

extern "C" {

fnd_str* fnd_str_new(const char* data, size_t len) { return make_str(std::string_view(data ? data : "", data ? len : 0)); }
fnd_str* fnd_str_retain(fnd_str* s) {
  if (s) s->rc.fetch_add(1, std::memory_order_relaxed);
  return s;
}
void fnd_str_release(fnd_str* s) {
  if (s && s->rc.fetch_sub(1, std::memory_order_acq_rel) == 1) std::free(s);
}
size_t fnd_str_len(const fnd_str* s) { return s ? s->len : 0; }
const char* fnd_str_data(const fnd_str* s) { return s ? s->data : ""; }
int fnd_str_compare(const fnd_str* a, const fnd_str* b) {
  int c = view(a).compare(view(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}
int fnd_str_equal(const fnd_str* a, const fnd_str* b) { return a == b || view(a) == view(b); }
fnd_str* fnd_str_concat(const fnd_str* const* parts, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += fnd_str_len(parts[i]);
  if (total == 0) return nullptr;
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < n; ++i) out += view(parts[i]);
  return make_str(out);
}
int fnd_str_contains(const fnd_str* s, const fnd_str* part) { return view(s).find(view(part)) != std::string_view::npos; }
int fnd_str_starts_with(const fnd_str* s, const fnd_str* prefix) { return view(s).starts_with(view(prefix)); }
int fnd_str_ends_with(const fnd_str* s, const fnd_str* suffix) { return view(s).ends_with(view(suffix)); }

fnd_str* fnd_fmt_int(int64_t v) { return make_str(std::to_string(v)); }
fnd_str* fnd_fmt_float(double v) {
  if (std::isnan(v)) return make_str("nan");
  if (std::isinf(v)) return make_str(v < 0 ? "-inf" : "inf");
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return make_str(s);
}
fnd_str* fnd_fmt_bool(int v) { return make_str(v ? "true" : "false"); }
fnd_str* fnd_fmt_duration(int64_t ms) {
  if (ms != 0 && ms % 3'600'000 == 0) return make_str(std::to_string(ms / 3'600'000) + "h");
  if (ms != 0 && ms % 60'000 == 0) return make_str(std::to_string(ms / 60'000) + "m");
  if (ms != 0 && ms % 1000 == 0) return make_str(std::to_string(ms / 1000) + "s");
  return make_str(std::to_string(ms) + "ms");
}

int fnd_str_to_int(const fnd_str* s, int64_t* out) {
  std::string_view v = view(s);
  const char* b = v.data();
  const char* e = b + v.size();
  if (b != e && *b == '+' && ++b != e && *b == '-') return 0;  // one sign at most
  int64_t n = 0;
  auto r = std::from_chars(b, e, n);
  if (r.ec == std::errc::result_out_of_range && r.ptr == e) return -1;  // an integer, too large
  if (r.ec != std::errc() || r.ptr != e || b == e) return 0;
  *out = n;
  return 1;
}
int fnd_str_to_float(const fnd_str* s, double* out) {
  std::string_view v = view(s);
  const char* b = v.data();
  const char* e = b + v.size();
  if (b != e && *b == '+' && ++b != e && *b == '-') return 0;  // one sign at most
  double d = 0;
  auto r = std::from_chars(b, e, d);
  if (r.ec != std::errc() || r.ptr != e || b == e) return 0;
  *out = d;
  return 1;
}

fnd_ref* fnd_ref_from_pid(fnd_pid pid) {
  if (!pid) return nullptr;
  return fnd::detail::ref_tag(pid_of(pid).detach());
}
fnd_ref* fnd_ref_named(const char* name) { return new fnd_ref{{1}, fnd::Ref::name(name ? name : "")}; }
fnd_ref* fnd_ref_retain(fnd_ref* r) {
  if (fnd::detail::ref_tagged(r)) (void)fnd::Pid::share(fnd::detail::ref_tagged_cb(r)).detach();
  else if (r) r->rc.fetch_add(1, std::memory_order_relaxed);
  return r;
}
void fnd_ref_release(fnd_ref* r) {
  if (fnd::detail::ref_tagged(r)) (void)fnd::Pid::adopt(fnd::detail::ref_tagged_cb(r));  // released here
  else if (r && r->rc.fetch_sub(1, std::memory_order_acq_rel) == 1) delete r;
}
void fnd_ref_release_last(fnd_ref* r) {
  if (fnd::detail::ref_tagged(r)) fnd::detail::destroy_control_block(fnd::detail::ref_tagged_cb(r));
  else delete r;
}
int fnd_ref_equal(const fnd_ref* a, const fnd_ref* b) {
  using namespace fnd::detail;
  if (ref_tagged(a) || ref_tagged(b)) return ref_pid_cb(a) == ref_pid_cb(b);  // a pid ref: the same pid
  if (!a || !b) return a == b;
  return a->ref == b->ref;
}
int fnd_ref_same(fnd_ctx* ctx, const fnd_ref* a, const fnd_ref* b) {
  using namespace fnd::detail;
  if (!a || !b) return a == b;
  if (ref_is_name(a) == ref_is_name(b)) return fnd_ref_equal(a, b);
  const fnd_ref* name = ref_is_name(a) ? a : b;
  const fnd_ref* pid = ref_is_name(a) ? b : a;
  fnd_pid now = fnd_whereis(fnd_ctx_node(ctx), std::string(name->ref.name()).c_str());
  const bool same = now && reinterpret_cast<fnd_pid>(ref_pid_cb(pid)) == now;
  if (now) fnd_pid_release(now);
  return same;
}
fnd_str* fnd_fmt_ref(const fnd_ref* r) { return make_str(fnd_ref_cxx(r).to_string()); }
fnd_pid fnd_ref_resolve(fnd_node* node, const fnd_ref* r) {
  if (!r) return nullptr;
  if (!fnd::detail::ref_is_name(r)) return fnd_pid_retain(reinterpret_cast<fnd_pid>(fnd::detail::ref_pid_cb(r)));
  return fnd_whereis(node, std::string(r->ref.name()).c_str());
}
// Sends to a named ref or the null ref: out of line, so that the common case below is a tail call.
[[gnu::noinline]] static void ref_send_slow(fnd_ctx* ctx, const fnd_ref* to, const fnd_type* type, void* value) {
  fnd_pid pid = nullptr;
  if (fnd::detail::ref_is_name(to)) pid = fnd_whereis(fnd_ctx_node(ctx), std::string(to->ref.name()).c_str());
  if (!pid) {  // the null ref or nobody registered: dropped
    if (type->destroy) type->destroy(value);
    return;
  }
  fnd_send(ctx, pid, type, value);
  fnd_pid_release(pid);
}
void fnd_ref_send(fnd_ctx* ctx, const fnd_ref* to, const fnd_type* type, void* value) {
  // The common case: straight to the pid the ref holds (borrowed: no reference counting).
  if (fnd::detail::ControlBlock* cb = fnd::detail::ref_pid_cb(to)) fnd::detail::c_post_cb(ctx, cb, type, value);
  else ref_send_slow(ctx, to, type, value);
}

void fnd_record_copy(const fnd_record* rec, void* dst, const void* src) {
  std::memcpy(dst, src, rec->size);
  auto* d = static_cast<char*>(dst);
  auto* s = static_cast<const char*>(src);
  for (uint64_t i = 0; i < rec->field_count; ++i) {
    const fnd_field& f = rec->fields[i];
    switch (f.kind) {
      case FND_KIND_STRING: fnd_str_retain(*reinterpret_cast<fnd_str* const*>(s + f.offset)); break;
      case FND_KIND_BYTES: fnd_bytes_retain(*reinterpret_cast<fnd_bytes* const*>(s + f.offset)); break;
      case FND_KIND_REF: fnd_ref_retain(*reinterpret_cast<fnd_ref* const*>(s + f.offset)); break;
      case FND_KIND_RECORD: fnd_record_copy(f.record, d + f.offset, s + f.offset); break;
      case FND_KIND_LIST: fnd_list_retain(*reinterpret_cast<fnd_list* const*>(s + f.offset)); break;
      case FND_KIND_MAP: fnd_map_retain(*reinterpret_cast<fnd_map* const*>(s + f.offset)); break;
      default: break;
    }
  }
}

void fnd_record_destroy(const fnd_record* rec, void* value) {
  if (!value) return;
  auto* v = static_cast<char*>(value);
  for (uint64_t i = 0; i < rec->field_count; ++i) {
    const fnd_field& f = rec->fields[i];
    switch (f.kind) {
      case FND_KIND_STRING: fnd_str_release(*reinterpret_cast<fnd_str**>(v + f.offset)); break;
      case FND_KIND_BYTES: fnd_bytes_release(*reinterpret_cast<fnd_bytes**>(v + f.offset)); break;
      case FND_KIND_REF: fnd_ref_release(*reinterpret_cast<fnd_ref**>(v + f.offset)); break;
      case FND_KIND_RECORD: fnd_record_destroy(f.record, v + f.offset); break;
      case FND_KIND_LIST: fnd_list_release(*reinterpret_cast<fnd_list**>(v + f.offset)); break;
      case FND_KIND_MAP: fnd_map_release(*reinterpret_cast<fnd_map**>(v + f.offset)); break;
      default: break;
    }
  }
}

int fnd_record_equal(const fnd_record* rec, const void* a, const void* b) {
  auto* x = static_cast<const char*>(a);
  auto* y = static_cast<const char*>(b);
  for (uint64_t i = 0; i < rec->field_count; ++i) {
    const fnd_field& f = rec->fields[i];
    const char* p = x + f.offset;
    const char* q = y + f.offset;
    bool eq = true;
    switch (f.kind) {
      case FND_KIND_INT:
      case FND_KIND_DURATION: eq = *reinterpret_cast<const int64_t*>(p) == *reinterpret_cast<const int64_t*>(q); break;
      case FND_KIND_FLOAT: eq = *reinterpret_cast<const double*>(p) == *reinterpret_cast<const double*>(q); break;
      case FND_KIND_BOOL: eq = (*p != 0) == (*q != 0); break;
      case FND_KIND_STRING:
        eq = fnd_str_equal(*reinterpret_cast<fnd_str* const*>(p), *reinterpret_cast<fnd_str* const*>(q));
        break;
      case FND_KIND_REF:
        eq = fnd_ref_equal(*reinterpret_cast<fnd_ref* const*>(p), *reinterpret_cast<fnd_ref* const*>(q));
        break;
      case FND_KIND_BYTES:
        eq = fnd_bytes_equal(*reinterpret_cast<fnd_bytes* const*>(p), *reinterpret_cast<fnd_bytes* const*>(q));
        break;
      case FND_KIND_RECORD: eq = fnd_record_equal(f.record, p, q); break;
      case FND_KIND_LIST:
        eq = fnd_list_equal(*reinterpret_cast<fnd_list* const*>(p), *reinterpret_cast<fnd_list* const*>(q));
        break;
      case FND_KIND_MAP:
        eq = fnd_map_equal(*reinterpret_cast<fnd_map* const*>(p), *reinterpret_cast<fnd_map* const*>(q));
        break;
      default: break;
    }
    if (!eq) return 0;
  }
  return 1;
}

void fnd_print(const fnd_str* line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string_view v = view(line);
  std::fwrite(v.data(), 1, v.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}
// Whole strings (a language string may hold NUL bytes): not through the C-string entry points.
void fnd_log_str(int level, const fnd_str* text) {
  fnd::log::write(static_cast<fnd::log::Level>(level), std::string_view(fnd_str_data(text), fnd_str_len(text)));
}

void fnd_crash_str(fnd_ctx* ctx, const fnd_str* reason) {
  fnd::detail::crash_with(ctx, "crash", std::string(fnd_str_data(reason), fnd_str_len(reason)));
}
void fnd_crash_text(fnd_ctx* ctx, const char* message) { fnd_crash(ctx, "exception", message); }
void fnd_crash_text_str(fnd_ctx* ctx, const fnd_str* message) {
  fnd::detail::crash_with(ctx, "exception", std::string(fnd_str_data(message), fnd_str_len(message)));
}

}  // extern "C"

fnd_ref* fnd_ref_from_cxx(const fnd::Ref& r) {
  if (r.is_pid()) return r.pid() ? fnd::detail::ref_tag(fnd::Pid(r.pid()).detach()) : nullptr;
  return new fnd_ref{{1}, r};
}
fnd::Ref fnd_ref_cxx(const fnd_ref* r) {
  if (fnd::detail::ref_tagged(r)) return fnd::Ref(fnd::Pid::share(fnd::detail::ref_tagged_cb(r)));
  return r ? r->ref : fnd::Ref();
}
