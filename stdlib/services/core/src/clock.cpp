#include "fnd/services/clock.hpp"

#include <time.h>

namespace fnd::services {

const Clock& Clock::system() noexcept {
  static const SystemClock clock;
  return clock;
}

const Clock& Clock::coarse() noexcept {
  static const CoarseClock clock;
  return clock;
}

SteadyTime CoarseClock::now() const noexcept {
  // libstdc++'s steady_clock is CLOCK_MONOTONIC: the coarse variant is the same timeline.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return SteadyTime(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

}  // namespace fnd::services
