// The layouts behind fnd/runtime_values.h's opaque handles, shared by the c_*.cpp files.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "fnd/message.hpp"
#include "fnd/ref.hpp"
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

struct fnd_ctx;

namespace fnd::detail {
struct CSociety;  // c_society.cpp: one running society's members, topology and subscriptions
// A C actor's place in a society: announced by the member's start function just before it
// constructs the actor (same thread), adopted by the actor (c_api.cpp).
struct CMembership {
  std::shared_ptr<CSociety> society;  // null: not a member
  std::size_t index = 0;
};
void c_set_pending_membership(CMembership m) noexcept;
CMembership c_take_pending_membership() noexcept;
const CMembership& c_membership(::fnd_ctx* ctx) noexcept;
}  // namespace fnd::detail

struct fnd_sup_spec {
  fnd::SupervisorSpec spec;
  std::shared_ptr<fnd::detail::CSociety> society;  // a society's spec (fnd_society_spec_new)
};
