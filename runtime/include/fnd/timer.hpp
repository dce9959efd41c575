// Timers: send_after, periodic (every) and cancel. One timer thread per node keeps a heap of deadlines.
// A timer created by a process is owned by it and cancelled when it dies, so it never fires into a dead
// process. The API lives on Context (inside processes) and Node (outside); this header has the handle.
#pragma once

#include <chrono>
#include <cstdint>

namespace fnd {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::nanoseconds;

struct TimerRef {
  uint64_t id = 0;
  explicit operator bool() const noexcept { return id != 0; }
  friend bool operator==(TimerRef a, TimerRef b) noexcept { return a.id == b.id; }
};

}  // namespace fnd
