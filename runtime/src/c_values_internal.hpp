// The layouts behind fnd/runtime_values.h's opaque handles, shared by the c_*.cpp files.
#pragma once

#include <atomic>
#include <cstdint>

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

struct fnd_sup_spec {
  fnd::SupervisorSpec spec;
};
