// The layouts behind fnd/runtime_values.h's opaque handles, shared by the c_*.cpp files.
#pragma once

#include <string>

#include <atomic>
#include <cstdint>
#include <memory>

#include "fnd/message.hpp"
#include "fnd/ref.hpp"
#include "fnd/runtime.h"
#include "fnd/society.hpp"
#include "fnd/supervisor.hpp"

struct fnd_ref {
  std::atomic<uint32_t> rc;
  fnd::Ref ref;

  // From the runtime's thread-cached envelope pool, not malloc: every `spawn` makes one.
  static void* operator new(size_t) {
    return fnd::detail::alloc_block(fnd::detail::block_class<sizeof(fnd_ref), alignof(fnd_ref)>());
  }
  static void operator delete(void* p) noexcept {
    fnd::detail::free_block(p, fnd::detail::block_class<sizeof(fnd_ref), alignof(fnd_ref)>());
  }
};

// A list: elements inline after the header, copy-on-write (c_lists.cpp). Here because
// fnd_list_len and fnd_list_at are inlined into generated code (c_api_inline.cpp).
struct fnd_list {
  std::atomic<uint32_t> rc;
  const fnd_elem* elem;
  int64_t len;
  int64_t cap;
  alignas(16) unsigned char data[1];
};

namespace fnd::detail {
inline char* list_at(const fnd_list* l, int64_t i) noexcept {
  return const_cast<char*>(reinterpret_cast<const char*>(l->data)) + i * static_cast<int64_t>(l->elem->size);
}
// fnd_list_len and fnd_list_at, for the runtime's own use (the C functions are in another file).
inline int64_t list_len(const fnd_list* l) noexcept { return l ? l->len : 0; }
inline void* list_at_checked(const fnd_list* l, int64_t i) noexcept {
  return l && i >= 0 && i < l->len ? list_at(l, i) : nullptr;
}
}  // namespace fnd::detail

struct fnd_ctx;

namespace fnd::detail {
// fnd_crash with a message that may hold NUL bytes (a language string), in c_api.cpp.
void crash_with(fnd_ctx* ctx, const char* code, std::string message);
}  // namespace fnd::detail

// A ref handle (fnd_ref*) is NULL (the null ref), a pointer to an fnd_ref (named refs, refs built
// around a C++ fnd::Ref), or a pid's control block with the low bit set: the refs made from pids
// (spawn, self, sender) cost no allocation, and copying one is the control block's own reference
// count, as copying a C++ fnd::Ref.
namespace fnd::detail {
inline bool ref_tagged(const fnd_ref* r) noexcept { return reinterpret_cast<uintptr_t>(r) & 1; }
inline ControlBlock* ref_tagged_cb(const fnd_ref* r) noexcept {
  return reinterpret_cast<ControlBlock*>(reinterpret_cast<uintptr_t>(r) & ~uintptr_t(1));
}
inline fnd_ref* ref_tag(ControlBlock* cb) noexcept {  // adopts a reference to cb
  return reinterpret_cast<fnd_ref*>(reinterpret_cast<uintptr_t>(cb) | 1);
}
inline bool ref_is_name(const fnd_ref* r) noexcept { return r && !ref_tagged(r) && r->ref.is_name(); }
// The control block of the pid a ref holds (borrowed); null for the null ref and names.
inline ControlBlock* ref_pid_cb(const fnd_ref* r) noexcept {
  if (ref_tagged(r)) return ref_tagged_cb(r);
  return r && r->ref.is_pid() ? r->ref.pid().control_block() : nullptr;
}
}  // namespace fnd::detail

namespace fnd::detail {
struct CSociety;  // c_society.cpp: a society's spec under construction (its fnd::Society, restarts)
// A C actor's place in a society: announced by the member's start function just before it
// constructs the actor (same thread), adopted by the actor (c_api.cpp). The same fnd::Society and
// pending slot as the C++ back end's members (fnd/society.hpp): extern C++ members share them.
using CMembership = fnd::SocietyMembership;
void c_set_pending_membership(CMembership m) noexcept;
CMembership c_take_pending_membership() noexcept;
const CMembership& c_membership(::fnd_ctx* ctx) noexcept;
}  // namespace fnd::detail

struct fnd_sup_spec {
  fnd::SupervisorSpec spec;
  std::shared_ptr<fnd::detail::CSociety> society;  // a society's spec (fnd_society_spec_new)
};
