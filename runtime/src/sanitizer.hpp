// Stack-switch annotations for AddressSanitizer and ThreadSanitizer. Boost.Context's fcontext switches
// stacks behind the sanitizers' backs; these calls tell them (the Debian Boost is not built with
// BOOST_USE_ASAN/TSAN, so the runtime annotates its own switches, which it fully controls).
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define FND_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#define FND_TSAN 1
#include <sanitizer/tsan_interface.h>
#endif

namespace fnd::detail {

// A fiber stack going back to the pool may still carry ASan's poison of the frames that were live on it
// (a fiber unwound or ended mid-call leaves its locals' redzones behind); the next fiber on that stack
// would then be reported for touching its own fresh frames. Clear the shadow before reuse.
inline void unpoison_stack(void* bottom, size_t size) {
#if FND_ASAN
  __asan_unpoison_memory_region(bottom, size);
#else
  (void)bottom;
  (void)size;
#endif
}

struct SanitizerFiber {
  void* stack_bottom = nullptr;  // the fiber's stack (set by the stack allocator)
  size_t stack_size = 0;
#if FND_ASAN
  void* worker_fake = nullptr;
  void* fiber_fake = nullptr;
  const void* worker_bottom = nullptr;
  size_t worker_size = 0;
#endif
#if FND_TSAN
  void* tsan_fiber = nullptr;
  void* tsan_worker = nullptr;
#endif

  // Worker side, right before resuming the fiber.
  void switch_to_fiber() {
#if FND_TSAN
    if (!tsan_fiber) tsan_fiber = __tsan_create_fiber(0);
    tsan_worker = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(tsan_fiber, 0);
#endif
#if FND_ASAN
    __sanitizer_start_switch_fiber(&worker_fake, stack_bottom, stack_size);
#endif
  }
  // Worker side, once the fiber has switched back.
  void back_from_fiber() {
#if FND_ASAN
    __sanitizer_finish_switch_fiber(worker_fake, nullptr, nullptr);
#endif
  }
  // Fiber side: first instruction, and after every resume.
  void back_in_fiber() {
#if FND_ASAN
    __sanitizer_finish_switch_fiber(fiber_fake, &worker_bottom, &worker_size);
#endif
  }
  // Fiber side, right before switching to the worker.
  void switch_to_worker() {
#if FND_ASAN
    __sanitizer_start_switch_fiber(&fiber_fake, worker_bottom, worker_size);
#endif
#if FND_TSAN
    __tsan_switch_to_fiber(tsan_worker, 0);
#endif
  }
  // Fiber side, when the fiber ends (its stack is released after the switch).
  void leave_for_good() {
#if FND_ASAN
    __sanitizer_start_switch_fiber(nullptr, worker_bottom, worker_size);
#endif
  }
  // Worker side, once a fiber has ended (or was unwound). TSan is switched back here rather than in the
  // fiber: the fiber still returns through Boost's entry code after leave_for_good(), and those function
  // exits must land on the fiber's shadow stack, not the worker's.
  void finished_on_worker() {
#if FND_TSAN
    __tsan_switch_to_fiber(tsan_worker, 0);
#endif
  }
  ~SanitizerFiber() {
#if FND_TSAN
    if (tsan_fiber) __tsan_destroy_fiber(tsan_fiber);
#endif
  }
};

}  // namespace fnd::detail
