#include "fnd/services/clock.hpp"

namespace fnd::services {

const Clock& Clock::system() noexcept {
  static const SystemClock clock;
  return clock;
}

}  // namespace fnd::services
