// Clocks for the services: every time-dependent service (circuit breaker, rate limiters, pools, retry)
// reads time through a Clock, so tests drive time by hand (ManualClock) instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace fnd::services {

using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const noexcept = 0;
  // The process-wide steady clock.
  static const Clock& system() noexcept;
  // The same timeline at the kernel tick's resolution (CLOCK_MONOTONIC_COARSE, 1-4 ms), several times
  // cheaper to read: for hot paths that only need milliseconds (rate limiters).
  static const Clock& coarse() noexcept;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const noexcept override { return std::chrono::steady_clock::now(); }
};

class CoarseClock final : public Clock {
 public:
  SteadyTime now() const noexcept override;
};

// A clock that moves only when told to (thread-safe).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SteadyTime start = SteadyTime{} + std::chrono::hours(1)) : ns_(start.time_since_epoch().count()) {}
  SteadyTime now() const noexcept override {
    return SteadyTime(SteadyTime::duration(ns_.load(std::memory_order_acquire)));
  }
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) noexcept {
    ns_.fetch_add(std::chrono::duration_cast<SteadyTime::duration>(d).count(), std::memory_order_acq_rel);
  }

 private:
  std::atomic<SteadyTime::rep> ns_;
};

}  // namespace fnd::services
